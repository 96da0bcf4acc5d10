"""Readable food names and household measures, from real SR28 descriptions and measures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.models import Portion
from nutrition.wording import measure_details, plain_measure, short_name
from tests.nutrition.factories import LogItemFactory


@pytest.mark.parametrize(
    ("description", "short"),
    [
        ("Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D", "Milk, 2%, with vitamins A and D"),
        ("Milk, whole, 3.25% milkfat, with added vitamin D", "Milk, whole, with vitamin D"),
        ("Milk, lowfat, fluid, 1% milkfat, with added vitamin A and vitamin D", "Milk, 1%, with vitamins A and D"),
        (
            "Milk, reduced fat, fluid, 2% milkfat, without added vitamin A and vitamin D",
            "Milk, 2%, without vitamins A and D",
        ),
        ("Nuts, almonds", "Almonds"),
        ("Nuts, almonds, dry roasted, without salt added", "Almonds, dry roasted, without salt added"),
        ("Fish, salmon, Atlantic, wild, raw", "Salmon, Atlantic, wild, raw"),
        ("Beverages, coffee, brewed, prepared with tap water", "Coffee, brewed, prepared with tap water"),
        ("Bread, whole-wheat, commercially prepared", "Bread, whole-wheat"),
        ("Cereals ready-to-eat, GENERAL MILLS, KIX", "Cereal, GENERAL MILLS, KIX"),
        ("Applesauce, canned, sweetened, without salt (includes USDA commodity)", "Applesauce, canned, sweetened, without salt"),
        ("Cream, fluid, light (coffee cream or table cream)", "Cream, light (coffee cream or table cream)"),
        # Already plain: unchanged.
        ("Cheese, cheddar", "Cheese, cheddar"),
        ("Spinach, raw", "Spinach, raw"),
        ("Squash, summer, zucchini, includes skin, frozen", "Squash, summer, zucchini, includes skin, frozen"),
        ("Nuts", "Nuts"),
    ],
)
def test_short_name(description, short):
    assert short_name(description) == short


@pytest.mark.parametrize(
    ("measure", "plain", "details"),
    [
        ('small (6" to 6-7/8" long)', "small", '6" to 6-7/8" long'),
        ("slice (1 oz)", "slice", "1 oz"),
        ("oz (23 whole kernels)", "oz", "23 whole kernels"),
        ("cup, diced", "cup, diced", ""),
        ("tbsp", "tbsp", ""),
    ],
)
def test_plain_measure_and_its_details(measure, plain, details):
    assert (plain_measure(measure), measure_details(measure)) == (plain, details)


def test_portion_choices_read_naturally(foods):
    from nutrition.forms import portion_choices

    almonds = foods["12061"]
    labels = dict(portion_choices(list(almonds.portions.all())))
    assert labels[str(almonds.portions.get(seq=5).pk)] == "oz (28.35 g)"
    assert Portion(amount=Decimal(2), measure="tbsp", gram_weight=32).plain_label == "2 tbsp"


def test_day_page_shows_the_short_name_first_and_the_full_one_on_demand(patient_client, patient, foods, today):
    milk = foods["01079"]
    LogItemFactory(patient=patient, food=milk, day=today, portion=milk.portions.get(measure="cup"), quantity=1)
    html = patient_client.get(reverse("nutrition:day", kwargs={"patient_id": patient.pk})).content.decode()
    full = "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D"
    assert f'<span title="{full}">Milk, 2%, with vitamins A and D</span>' in html
    assert ">Milk, 2%, with vitamins A and D</span></button>" in html  # the one-tap chip
    assert html.count(full) == 2  # only as the title of the row and of the chip


def test_search_result_and_add_panel(patient_client, patient, foods, today):
    milk = foods["01079"]
    url = reverse("nutrition:day", kwargs={"patient_id": patient.pk})
    html = patient_client.get(url, {"q": "milk 2%", "food": milk.pk, "date": today.isoformat()}).content.decode()
    assert f'<span class="food-name" title="{milk.description}">Milk, 2%, with vitamins A and D</span>' in html
    assert '<h3 id="add-food-name">Milk, 2%, with vitamins A and D</h3>' in html
    assert f"<summary>Full name</summary>{milk.description}</details>" in html


def test_a_logged_banana_reads_one_small(db, patient_client, patient, today):
    from nutrition.models import Food
    from nutrition.reference_data import load

    load(only=("09040",))
    banana = Food.objects.get(ndb_no="09040")
    small = banana.portions.get(measure__startswith="small")
    item = LogItemFactory(patient=patient, food=banana, day=today - dt.timedelta(days=1), portion=small, quantity=1)
    assert item.plain_amount_label == "1 small"
    html = patient_client.get(reverse("nutrition:day", kwargs={"patient_id": patient.pk})).content.decode()
    assert '+</span> 1 small <span class="chip-food">Bananas, raw</span>' in html
    assert '6" to 6-7/8" long' not in html.split('class="chip"')[1].split(">", 1)[1]  # only in the chip's title
