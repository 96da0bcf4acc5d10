from decimal import Decimal
from types import SimpleNamespace

import pytest

from nutrition.absorption import is_high_oxalate, is_high_phytate, meal_tips, supplement_tips
from nutrition.models import Supplement

VEG = "Vegetables and Vegetable Products"


@pytest.mark.parametrize(
    ("description", "group"),
    [
        ("Spinach, raw", VEG),
        ("Spinach, cooked, boiled, drained, without salt", VEG),
        ("Spinach, frozen, chopped or leaf, unprepared", VEG),
        ("Rhubarb, raw", "Fruits and Fruit Juices"),
        ("Chard, swiss, raw", VEG),
        ("Beet greens, cooked, boiled, drained, without salt", VEG),
    ],
)
def test_high_oxalate_foods(description, group):
    assert is_high_oxalate(description, group)


@pytest.mark.parametrize(
    ("description", "group"),
    [
        ("Kale, raw", VEG),  # low oxalate: absorbs as well as milk
        ("Spinach souffle", VEG),  # a dish: its calcium is mostly from milk and cheese
        ("Pasta, fresh-refrigerated, spinach, as purchased", "Cereal Grains and Pasta"),
        ("Babyfood, vegetables, spinach, creamed, strained", "Baby Foods"),
        ("New Zealand spinach, raw", VEG),
        ("Beets, raw", VEG),
        ("Milk, whole, 3.25% milkfat, with added vitamin D", "Dairy and Egg Products"),
    ],
)
def test_not_high_oxalate(description, group):
    assert not is_high_oxalate(description, group)


@pytest.mark.parametrize(
    ("description", "group"),
    [
        ("Nuts, almonds", "Nut and Seed Products"),
        ("Seeds, sesame seeds, whole, dried", "Nut and Seed Products"),
        ("Soybeans, mature seeds, raw", "Legumes and Legume Products"),
        ("Tofu, raw, regular, prepared with calcium sulfate", "Legumes and Legume Products"),
        ("Beans, black, mature seeds, raw", "Legumes and Legume Products"),
        ("Peanuts, all types, raw", "Legumes and Legume Products"),
        ("Wheat bran, crude", "Cereal Grains and Pasta"),
        ("Cereals ready-to-eat, KELLOGG, KELLOGG'S ALL-BRAN Original", "Breakfast Cereals"),
        ("Millet, raw", "Cereal Grains and Pasta"),
        ("Matzo, whole-wheat", "Baked Products"),
    ],
)
def test_high_phytate_foods(description, group):
    assert is_high_phytate(description, group)


@pytest.mark.parametrize(
    ("description", "group"),
    [
        ("Beans, black, mature seeds, cooked, boiled, without salt", "Legumes and Legume Products"),  # not raw
        ("Nuts, coconut water (liquid from coconuts)", "Nut and Seed Products"),
        ("Bread, whole-wheat, commercially prepared", "Baked Products"),  # leavened
        ("Rice, white, long-grain, regular, cooked", "Cereal Grains and Pasta"),
        ("Kale, raw", VEG),
        ("Milk, whole, 3.25% milkfat, with added vitamin D", "Dairy and Egg Products"),
    ],
)
def test_not_high_phytate(description, group):
    assert not is_high_phytate(description, group)


def _item(pk, description, calcium, meal="breakfast", oxalate=False, phytate=False):
    return SimpleNamespace(
        pk=pk,
        description=description,
        calcium_mg=Decimal(calcium),
        meal=meal,
        high_oxalate=oxalate,
        high_phytate=phytate,
        is_supplement=False,
    )


def test_tip_when_oxalate_food_meets_calcium_source_in_same_meal():
    tips = meal_tips([_item(1, "Spinach, raw", 30, oxalate=True), _item(2, "Milk, whole", 276)])
    assert len(tips) == 1
    assert tips[0].meal == "breakfast"
    assert "Spinach, raw" in tips[0].text and "different times" in tips[0].text


def test_no_tip_below_200_mg_or_in_another_meal():
    assert meal_tips([_item(1, "Nuts, almonds", 75, phytate=True), _item(2, "Milk", 199)]) == []
    assert meal_tips([_item(1, "Spinach, raw", 30, oxalate=True), _item(2, "Milk", 276, meal="lunch")]) == []


def test_exactly_200_mg_is_a_calcium_source():
    assert len(meal_tips([_item(1, "Nuts, almonds", 75, phytate=True), _item(2, "Cheese", 200)])) == 1


def test_an_item_is_not_its_own_calcium_source():
    assert meal_tips([_item(1, "Tofu, calcium sulfate", 434, phytate=True)]) == []


def test_split_dose_tip_above_500_mg():
    over = Supplement(kind="calcium", calcium_form="carbonate", amount_per_unit=Decimal(600))
    at = Supplement(kind="calcium", calcium_form="citrate", amount_per_unit=Decimal(250), units_per_dose=2)
    vitamin_d = Supplement(kind="vitamin_d3", amount_per_unit=Decimal(1000))
    tips = supplement_tips([over, at, vitamin_d])
    assert len(tips) == 1
    assert "600 mg" in tips[0].text and "split" in tips[0].text
