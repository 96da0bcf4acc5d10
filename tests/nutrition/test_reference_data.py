import pytest

from nutrition.models import Food, Portion
from nutrition.reference_data import load, number, search_text


def test_empty_cell_is_unknown_not_zero():
    assert number("") is None
    assert number("0") == 0.0
    assert number("0.0") == 0.0


def test_search_text_pads_words():
    assert search_text("Milk, whole, 3.25% milkfat") == " milk whole 3 25 milkfat "


def test_subset_keeps_leading_zeros_and_values(foods):
    milk = foods["01077"]
    assert milk.ndb_no == "01077"
    assert milk.calcium_mg == 113
    assert milk.vitamin_d_iu == 51
    assert next((p.label, p.gram_weight) for p in milk.portions.all()) == ("cup", 244)


def test_vitamin_d_falls_back_to_mcg_times_40():
    food = Food(vitamin_d_mcg=1.3, vitamin_d_iu_source=None)
    assert food.vitamin_d_iu == 52.0
    assert Food(vitamin_d_mcg=None, vitamin_d_iu_source=None).vitamin_d_iu is None
    assert Food(vitamin_d_mcg=1.3, vitamin_d_iu_source=51).vitamin_d_iu == 51


def test_unknown_caffeine_stays_unknown(foods):
    # Spinach has a caffeine record (0); cheddar's vitamin K MK-4 is 8.6 and almonds have none (unknown).
    assert foods["11457"].caffeine_mg == 0
    assert foods["12061"].vitamin_k_mk4_mcg is None
    assert foods["01009"].vitamin_k_total_mcg == pytest.approx(2.4 + 8.6)


def test_loader_is_idempotent(foods):
    summary = load(only=["01077", "11457"])
    assert "0 foods added, 0 updated; 0 portions added, 0 updated" in summary
    assert Food.objects.filter(ndb_no="01077").count() == 1


def test_loader_updates_changed_rows(foods):
    Food.objects.filter(ndb_no="01077").update(calcium_mg=1)
    assert "1 updated" in load(only=["01077"])
    assert Food.objects.get(ndb_no="01077").calcium_mg == 113


@pytest.mark.django_db
def test_full_load_has_every_food_and_portion():
    summary = load()
    assert Food.objects.reference().count() == 8789
    assert Portion.objects.count() == 15438
    assert "8789 foods added" in summary
    assert Food.objects.filter(high_oxalate=True).count() > 10
    assert "0 foods added, 0 updated" in load()
