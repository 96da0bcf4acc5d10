"""The portion the add form starts with: the patient's last one for the food, else the food's usual helping."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.models import Food, LogItem, Portion
from nutrition.portions import default_portion, measure_word
from nutrition.reference_data import load
from tests.nutrition.factories import LogItemFactory


def usual(food: Food) -> Portion:
    return default_portion(list(food.portions.all()), food.energy_kcal)


def test_cheddar_starts_at_one_slice_of_one_ounce_not_a_cup_diced(foods):
    chosen = usual(foods["01009"])
    assert (chosen.measure, chosen.gram_weight) == ("slice (1 oz)", Decimal("28.00"))


def test_almonds_start_at_one_ounce_not_a_cup(foods):
    chosen = usual(foods["12061"])
    assert (chosen.measure, chosen.gram_weight) == ("oz (23 whole kernels)", Decimal("28.35"))  # 164 kcal, not 828


@pytest.mark.parametrize("ndb_no", ["01077", "01079"])
def test_milk_starts_at_one_cup(foods, ndb_no):
    chosen = usual(foods[ndb_no])
    assert (chosen.measure, chosen.gram_weight) == ("cup", Decimal("244.00"))


@pytest.mark.parametrize(
    ("ndb_no", "measure"),
    [
        ("09040", 'medium (7" to 7-7/8" long)'),  # banana: not "cup, mashed" (first in USDA's list)
        ("09003", 'medium (3" dia)'),  # apple: not "cup, quartered or chopped" nor "cup slices"
        ("18075", "slice"),  # whole-wheat bread
        ("16098", "tbsp"),  # peanut butter: "2 tbsp", not a cup (1543 kcal)
        ("01001", "tbsp"),  # butter: not the cup or the stick
        ("01117", "container (6 oz)"),  # low-fat yogurt
        ("11457", "cup"),  # raw spinach: 30 g
    ],
)
def test_usual_helping_of_shipped_foods(db, ndb_no, measure):
    load(only=(ndb_no,))
    assert usual(Food.objects.get(ndb_no=ndb_no)).measure == measure


def test_a_food_without_portions_has_no_usual_helping():
    assert default_portion([], 100) is None


def test_the_only_portion_is_used_even_when_large():
    rice = Portion(seq=1, amount=1, measure="cup", gram_weight=Decimal(185))
    assert default_portion([rice], 365) is rice  # 675 kcal, but nothing else to offer


def test_unknown_energy_falls_back_to_measure_and_weight():
    diced = Portion(seq=1, amount=1, measure="cup, diced", gram_weight=Decimal(132))
    pound = Portion(seq=2, amount=1, measure="lb", gram_weight=Decimal(454))
    ounce = Portion(seq=3, amount=1, measure="oz", gram_weight=Decimal("28.35"))
    assert default_portion([diced, pound, ounce], None) is ounce


@pytest.mark.parametrize(
    ("measure", "word"), [("fl oz", "fl oz"), ("oz (23 whole kernels)", "oz"), ("cup, diced", "cup"), ("Slice (1 oz)", "slice")]
)
def test_measure_word(measure, word):
    assert measure_word(measure) == word


def add_panel(client, patient, food, day):
    url = reverse("nutrition:item-add", kwargs={"patient_id": patient.pk})
    return client.get(url, {"date": day.isoformat(), "food": food.pk}, HTTP_HX_REQUEST="true")


def selected_portion(response) -> str:
    return str(response.context["add_form"]["portion"].value())


def test_add_form_starts_at_the_usual_helping(patient_client, patient, foods, today):
    cheddar = foods["01009"]
    response = add_panel(patient_client, patient, cheddar, today)
    slice_ = cheddar.portions.get(measure="slice (1 oz)")
    assert selected_portion(response) == str(slice_.pk)
    assert response.context["add_form"]["quantity"].value() == 1


def test_add_form_starts_at_the_patients_last_portion_and_quantity(patient_client, patient, foods, today):
    cheddar = foods["01009"]
    slice_ = cheddar.portions.get(measure="slice (1 oz)")
    diced = cheddar.portions.get(measure="cup, diced")
    LogItemFactory(patient=patient, food=cheddar, day=today - dt.timedelta(days=3), portion=diced, quantity=1)
    LogItemFactory(patient=patient, food=cheddar, day=today - dt.timedelta(days=1), portion=slice_, quantity=2)
    response = add_panel(patient_client, patient, cheddar, today)
    assert selected_portion(response) == str(slice_.pk)
    assert response.context["add_form"]["quantity"].value() == 2
    html = response.content.decode()
    assert 'value="2"' in html


def test_last_amount_by_weight_is_kept(patient_client, patient, foods, today):
    almonds = foods["12061"]
    LogItemFactory(patient=patient, food=almonds, day=today, quantity=Decimal(15), unit="g")
    response = add_panel(patient_client, patient, almonds, today)
    assert selected_portion(response) == "g"
    assert response.context["add_form"]["quantity"].value() == 15


def test_another_patients_log_does_not_set_the_portion(patient_client, patient, foods, today):
    cheddar = foods["01009"]
    LogItemFactory(food=cheddar, portion=cheddar.portions.get(measure="cup, diced"), quantity=2)  # someone else
    response = add_panel(patient_client, patient, cheddar, today)
    assert selected_portion(response) == str(cheddar.portions.get(measure="slice (1 oz)").pk)


def test_day_page_with_a_food_chosen_logs_one_slice_by_default(patient_client, patient, foods, today):
    cheddar = foods["01009"]
    url = reverse("nutrition:day", kwargs={"patient_id": patient.pk})
    form = patient_client.get(url, {"food": cheddar.pk}).context["add_form"]
    data = {name: form[name].value() for name in ("date", "food", "meal", "portion", "quantity")}
    patient_client.post(reverse("nutrition:item-add", kwargs={"patient_id": patient.pk}), data)
    item = LogItem.objects.get(patient=patient)
    assert (item.grams, round(item.energy_kcal)) == (Decimal("28.00"), 113)  # not 264 g from "2 cup, diced"
