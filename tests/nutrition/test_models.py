"""Writes on the nutrition models and QuerySets, called directly (the views only parse, call and render)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nutrition.copying import CopyPlan
from nutrition.forms import ItemForm
from nutrition.models import GRAMS, OUNCES, Favourite, Food, LogItem, Meal, NutrientTargetOverride, Portion, Supplement
from tests.factories import ClinicianFactory
from tests.nutrition.factories import (
    CalciumSupplementFactory,
    CustomFoodFactory,
    FavouriteFactory,
    FoodFactory,
    LogItemFactory,
    PortionFactory,
    SupplementFactory,
    TargetOverrideFactory,
)

DAY = dt.date(2024, 3, 5)


def cup_of(food: Food) -> Portion:
    return next(p for p in food.portions.all() if p.label == "cup")


def test_from_food_counts_portions_grams_and_ounces(patient, foods):
    milk = foods["01077"]  # 113 mg calcium per 100 g; a cup is 244 g
    item = LogItem.from_food(patient=patient, day=DAY, meal=Meal.BREAKFAST, food=milk, quantity="1.5", portion=cup_of(milk))
    assert (item.grams, item.unit_label, item.calcium_mg, item.amount_label) == (
        Decimal("366.00"), "cup", Decimal("413.58"), "1.5 cup"
    )  # fmt: skip
    item = LogItem.from_food(patient=patient, day=DAY, meal=Meal.BREAKFAST, food=milk, quantity=2, unit=OUNCES)
    assert (item.grams, item.unit_label, item.portion, item.calcium_mg) == (Decimal("56.70"), "oz", None, Decimal("64.07"))
    item = LogItem.from_food(patient=patient, day=DAY, meal=Meal.BREAKFAST, food=milk, quantity=100)
    assert (item.grams, item.unit_label, item.description, item.pk) == (Decimal("100.00"), GRAMS, milk.description, None)


def test_from_food_keeps_unknown_nutrients_unknown_and_copies_the_r8_flags(patient, foods):
    spinach = foods["11457"]
    item = LogItem.from_food(patient=patient, day=DAY, meal=Meal.LUNCH, food=spinach, quantity=30)
    assert (item.high_oxalate, item.calcium_mg) == (True, Decimal("29.70"))
    unknown = LogItem.from_food(patient=patient, day=DAY, meal=Meal.LUNCH, food=FoodFactory(calcium_mg=None), quantity=50)
    assert unknown.calcium_mg is None and unknown.grams == 50


def test_grams_per_unit():
    portion = Portion(gram_weight=Decimal("30.5"))
    assert LogItem.grams_per_unit(portion) == Decimal("30.5")
    assert LogItem.grams_per_unit(portion, OUNCES) == Decimal("30.5")  # a portion wins over the unit
    assert LogItem.grams_per_unit(None, GRAMS) == 1
    assert LogItem.grams_per_unit(None, OUNCES) == Decimal("28.35")


def test_change_amount_works_the_nutrients_out_again_and_saves(patient, foods):
    milk = foods["01077"]
    item = LogItemFactory(patient=patient, food=milk, meal=Meal.BREAKFAST, quantity=100)
    item.change_amount(meal=Meal.LUNCH, quantity=2, portion=cup_of(milk))
    item.refresh_from_db()
    assert (item.meal, item.grams, item.calcium_mg, item.unit_label) == (Meal.LUNCH, 488, Decimal("551.44"), "cup")
    item.change_amount(meal=Meal.LUNCH, quantity=1, unit=OUNCES)
    item.refresh_from_db()
    assert (item.portion, item.unit_label, item.grams) == (None, "oz", Decimal("28.35"))


def test_the_item_form_gives_what_from_food_takes(patient, foods, today):
    """One way to work out a logged item: the form only chooses the amount; LogItem computes it."""
    milk = foods["01077"]
    cup = cup_of(milk)
    form = ItemForm({"meal": "dinner", "portion": str(cup.pk), "quantity": "2"}, food=milk, patient=patient, today=today)
    assert form.is_valid(), form.errors
    assert form.amount() == {"meal": "dinner", "quantity": Decimal(2), "portion": cup, "unit": GRAMS}
    item = LogItem.from_food(patient=patient, day=today, food=milk, **form.amount())
    assert ItemForm.initial_for(item) == {"meal": "dinner", "quantity": Decimal(2), "portion": str(cup.pk)}
    form = ItemForm({"meal": "dinner", "portion": "oz", "quantity": "3"}, food=milk, patient=patient, today=today)
    assert form.is_valid(), form.errors
    assert (form.amount()["portion"], form.amount()["unit"]) == (None, OUNCES)
    item = LogItem.from_food(patient=patient, day=today, food=milk, **form.amount())
    assert ItemForm.initial_for(item)["portion"] == OUNCES and item.grams == Decimal("85.05")


def test_the_item_form_refuses_more_than_5_kg_before_any_rounding(patient, today):
    food = FoodFactory()
    portion = PortionFactory(food=food, gram_weight=Decimal("166666.67"))
    data = {"meal": "lunch", "portion": str(portion.pk), "quantity": "0.03"}  # 5000.0001 g: 5000.00 once rounded
    form = ItemForm(data, food=Food.objects.prefetch_related("portions").get(pk=food.pk), patient=patient, today=today)
    assert not form.is_valid()
    assert "at most 5 kg" in form.errors["quantity"][0]


def test_copy_to_is_an_unsaved_copy_with_the_logged_amounts(patient, foods, clinician):
    milk = foods["01077"]
    item = LogItemFactory(patient=patient, food=milk, day=DAY, meal=Meal.BREAKFAST, quantity=1, portion=cup_of(milk))
    moment = timezone.now()
    copy = item.copy_to(day=DAY + dt.timedelta(days=1), meal=Meal.SNACK, created_by=clinician, created_at=moment)
    assert copy.pk is None
    assert (copy.patient_id, copy.date, copy.meal, copy.created_by, copy.created_at) == (
        patient.pk, DAY + dt.timedelta(days=1), Meal.SNACK, clinician, moment
    )  # fmt: skip
    fields = ("food_id", "portion_id", "description", "unit_label", "quantity", "grams", "calcium_mg", "vitamin_d_iu")
    assert [getattr(copy, name) for name in fields] == [getattr(item, name) for name in fields]


def test_copy_plan_applies_the_missing_items_or_all_of_them_again(patient, foods):
    yesterday, day = DAY - dt.timedelta(days=1), DAY
    LogItemFactory(patient=patient, food=foods["01077"], day=yesterday, meal=Meal.BREAKFAST)
    LogItemFactory(patient=patient, food=foods["01009"], day=yesterday, meal=Meal.LUNCH)
    LogItemFactory(patient=patient, food=foods["01077"], day=day, meal=Meal.BREAKFAST)
    plan = CopyPlan.build(patient, source_date=yesterday, source_meal="", date=day, target_meal="")
    copies = plan.apply(user=patient.user, again=False)
    assert [(c.meal, c.food_id) for c in copies] == [(Meal.LUNCH, foods["01009"].pk)]
    assert all(c.pk for c in copies)
    plan = CopyPlan.build(patient, source_date=yesterday, source_meal="", date=day, target_meal=Meal.SNACK)
    assert len(plan.apply(user=patient.user, again=True)) == 2
    assert LogItem.objects.filter(date=day, meal=Meal.SNACK, created_by=patient.user).count() == 2


def test_toggle_taken_ticks_then_unticks(patient, django_assert_num_queries):
    supplement = patient.supplements.get(pk=CalciumSupplementFactory(patient=patient, units_per_dose=2).pk)
    with django_assert_num_queries(2):  # the SELECT that finds no tick, the INSERT; the patient is already loaded
        assert supplement.toggle_taken(DAY, by=patient.user) is None
    tick = LogItem.objects.get(supplement=supplement)
    assert (tick.date, tick.meal, tick.calcium_mg, tick.quantity, tick.created_by) == (
        DAY, Meal.SUPPLEMENTS, Decimal(630), 2, patient.user
    )  # fmt: skip
    assert supplement.toggle_taken(DAY + dt.timedelta(days=1), by=patient.user) is None  # another day: its own tick
    untick = supplement.toggle_taken(DAY, by=patient.user)  # unticked: the tick waits in the recycle bin
    assert (untick.label, untick.original_pk) == ("nutrition.logitem", tick.pk)
    assert list(LogItem.objects.values_list("date", flat=True)) == [DAY + dt.timedelta(days=1)]


def test_stop_takes_a_supplement_off_the_plan_and_keeps_its_ticks(patient):
    supplement = SupplementFactory(patient=patient)
    supplement.toggle_taken(DAY, by=patient.user)
    supplement.stop()
    assert not Supplement.objects.active().filter(pk=supplement.pk).exists()
    assert LogItem.objects.filter(supplement=supplement).count() == 1


def test_favourite_toggle(patient):
    food = FoodFactory()
    FavouriteFactory(food=food)  # someone else's favourite is left alone
    assert Favourite.objects.toggle(patient=patient, food=food) is True
    assert patient.favourite_foods.get().food == food
    assert Favourite.objects.toggle(patient=patient, food=food) is False
    assert not patient.favourite_foods.exists()
    assert Favourite.objects.count() == 1


def test_set_values_sets_changes_clears_and_leaves_unchanged_targets_alone(patient):
    first, second = ClinicianFactory(), ClinicianFactory()
    kept = TargetOverrideFactory(patient=patient, nutrient="vitamin_d_iu", value=Decimal(1000), set_by=first)
    NutrientTargetOverride.objects.set_values(
        patient=patient, values={"calcium_mg": Decimal(1500), "vitamin_d_iu": Decimal(1000), "sodium_mg": None}, by=second
    )
    overrides = NutrientTargetOverride.objects.by_nutrient(patient)
    assert {n: (o.value, o.set_by) for n, o in overrides.items()} == {
        "calcium_mg": (1500, second),
        "vitamin_d_iu": (1000, first),  # the same value: still the first clinician's
    }
    assert overrides["vitamin_d_iu"].set_at == kept.set_at
    NutrientTargetOverride.objects.set_values(
        patient=patient, values={"calcium_mg": Decimal(1400), "vitamin_d_iu": None}, by=first, current=overrides
    )
    assert {n: (o.value, o.set_by) for n, o in NutrientTargetOverride.objects.by_nutrient(patient).items()} == {
        "calcium_mg": (1400, first)
    }


def test_by_nutrient_is_one_patients_overrides(patient):
    TargetOverrideFactory(patient=patient, nutrient="calcium_mg")
    TargetOverrideFactory(nutrient="calcium_mg")  # another patient's
    assert list(NutrientTargetOverride.objects.by_nutrient(patient)) == ["calcium_mg"]


def test_create_custom_stores_per_100g_with_its_serving(patient):
    per_100g = {
        "energy_kcal": None,
        "protein_g": Decimal("3.33333"),
        "calcium_mg": Decimal(120),
        "vitamin_d_iu": Decimal("40.005"),
        "magnesium_mg": None,
        "vitamin_k_mcg": None,
        "sodium_mg": None,
        "caffeine_mg": None,
    }
    food = Food.objects.create_custom(
        owner=patient, description="Oat drink, fortified", per_100g=per_100g, serving_name="glass", serving_grams=Decimal(250)
    )
    food.refresh_from_db()
    assert (food.owner, food.food_group, food.search_text, food.head) == (
        patient, "My foods", " oat drink fortified ", "oat drink"
    )  # fmt: skip
    assert (food.protein_g, food.calcium_mg, food.vitamin_d_iu_source, food.vitamin_d_iu, food.energy_kcal) == (
        3.333, 120.0, 40.0, 40.0, None
    )  # fmt: skip
    portion = food.portions.get()
    assert (portion.label, portion.gram_weight, portion.seq) == ("glass", 250, 1)


def test_create_custom_without_a_serving_has_no_portion(patient):
    food = Food.objects.create_custom(owner=patient, description="Kefir", per_100g={"calcium_mg": Decimal(130)})
    assert not food.portions.exists()
    assert (food.calcium_mg, food.vitamin_d_iu) == (130.0, None)
    unnamed = Food.objects.create_custom(owner=patient, description="Bar", per_100g={}, serving_grams=Decimal(40))
    assert unnamed.portions.get().measure == "serving"


@pytest.mark.parametrize(
    "factory", [FoodFactory, CustomFoodFactory, PortionFactory, LogItemFactory, SupplementFactory, CalciumSupplementFactory]
)
def test_factories_make_valid_rows(db, factory):
    row = factory()
    row.full_clean()
    assert type(row).objects.filter(pk=row.pk).exists()
