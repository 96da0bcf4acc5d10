import datetime as dt

from django.db import connection

from nutrition.search import search_foods, terms_of
from tests.nutrition.factories import CustomFoodFactory, FavouriteFactory, LogItemFactory


def names(foods):
    return [f.description for f in foods]


def test_terms():
    assert terms_of("Spinach, RAW!") == ["spinach", "raw"]
    assert terms_of("   ") == []


def test_simple_foods_before_processed(patient, foods, today):
    result = names(search_foods(patient, "milk", today))
    assert result[0] == "Milk, whole, 3.25% milkfat, with added vitamin D"
    assert result.index("Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D") < result.index(
        "Milk dessert, frozen, milk-fat free, chocolate"
    )


def test_prefix_and_multiple_terms(patient, foods, today):
    assert names(search_foods(patient, "chee", today)) == ["Cheese, cheddar"]
    assert names(search_foods(patient, "spinach raw", today)) == ["Spinach, raw"]
    assert names(search_foods(patient, "raw spinach", today)) == ["Spinach, raw"]


def test_terms_start_a_word_and_near_misses_on_postgresql(patient, foods, today):
    if connection.vendor == "postgresql":
        # No word starts with "ilk" or "spinsch": trigram word similarity finds the near misses.
        assert names(search_foods(patient, "spinsch", today))[0] == "Spinach, raw"
        assert "Milk, whole, 3.25% milkfat, with added vitamin D" in names(search_foods(patient, "ilk", today))
    else:
        assert search_foods(patient, "ilk", today) == []
        assert search_foods(patient, "spinsch", today) == []


def test_recent_then_favourite_first(patient, foods, today):
    LogItemFactory(patient=patient, day=today - dt.timedelta(days=2), food=foods["01079"])
    assert names(search_foods(patient, "milk", today))[0].startswith("Milk, reduced fat")
    FavouriteFactory(patient=patient, food=foods["42131"])
    assert names(search_foods(patient, "milk", today))[:2] == [
        "Milk dessert, frozen, milk-fat free, chocolate",
        "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D",
    ]


def test_old_logs_are_not_recent(patient, foods, today):
    LogItemFactory(patient=patient, day=today - dt.timedelta(days=61), food=foods["42131"])
    assert names(search_foods(patient, "milk", today))[0].startswith("Milk, whole")


def test_own_custom_food_found(patient, foods, today):
    CustomFoodFactory(owner=patient, description="Grandma's milk pudding")
    assert "Grandma's milk pudding" in names(search_foods(patient, "pudding", today))
