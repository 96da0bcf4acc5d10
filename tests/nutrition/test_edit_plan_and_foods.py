"""Correcting a supplement-plan line or one of the patient's own foods: what was already logged keeps its amounts."""

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.urls import reverse

from nutrition.models import Food, LogItem, Meal, Supplement
from tests.nutrition.factories import CalciumSupplementFactory, CustomFoodFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 1)
SUPPLEMENT = {
    "kind": "calcium",
    "calcium_form": "carbonate",
    "name": "Caltrate",
    "amount_per_unit": "600",
    "units_per_dose": "2",
    "doses_per_day": "2",
}
FOOD = {
    "description": "Oat drink, fortified",
    "basis": "100g",
    "serving_name": "glass",
    "serving_grams": "250",
    "energy_kcal": "45",
    "calcium_mg": "200",
    "vitamin_d_iu": "60",
}


def _supplement_url(supplement) -> str:
    return reverse("nutrition:supplement-edit", kwargs={"patient_id": supplement.patient_id, "supplement_id": supplement.pk})


def _food_url(food) -> str:
    return reverse("nutrition:custom-food-edit", kwargs={"patient_id": food.owner_id, "food_id": food.pk})


def _tick(supplement, day) -> LogItem:
    item = LogItem.from_supplement(patient=supplement.patient, day=day, supplement=supplement)
    item.save()
    return item


# Supplement plan


def test_patient_corrects_a_plan_line_and_ticked_days_keep_their_amounts(patient_client, patient):
    supplement = CalciumSupplementFactory(patient=patient)  # citrate 315 mg, 1 tablet once a day
    ticked = _tick(supplement, DAY)
    page = patient_client.get(_supplement_url(supplement))
    assert page.status_code == 200 and 'value="315.0"' in page.content.decode()

    response = patient_client.post(_supplement_url(supplement), SUPPLEMENT)

    assert response.status_code == 302
    assert response.url == reverse("nutrition:supplement-list", kwargs={"patient_id": patient.pk})
    supplement.refresh_from_db()
    assert (supplement.calcium_form, supplement.name, supplement.daily_amount) == ("carbonate", "Caltrate", D("2400.0"))
    # The day already ticked keeps what it was ticked with: its own copy.
    ticked.refresh_from_db()
    assert (ticked.calcium_mg, ticked.quantity, ticked.description) == (
        D("315.00"),
        D("1.00"),
        "Calcium citrate, 315 mg × 1 a day",
    )
    assert LogItem.objects.for_day(patient, DAY).totals()["calcium_mg"] == D("315.00")
    # The day page says what was taken that day; a day not ticked offers the corrected line.
    day_url = reverse("nutrition:day", kwargs={"patient_id": patient.pk})
    assert "Calcium citrate, 315 mg × 1 a day" in patient_client.get(day_url, {"date": DAY.isoformat()}).content.decode()
    other_day = patient_client.get(day_url, {"date": (DAY + dt.timedelta(days=1)).isoformat()}).content.decode()
    assert "Caltrate, 1200 mg × 2 a day" in other_day and "315 mg" not in other_day
    # A new tick counts the new amounts.
    assert _tick(supplement, DAY + dt.timedelta(days=1)).calcium_mg == D("2400.0")


def test_clinician_corrects_a_plan_line(clinician_client, patient):
    supplement = CalciumSupplementFactory(patient=patient)
    assert clinician_client.post(_supplement_url(supplement), SUPPLEMENT).status_code == 302
    supplement.refresh_from_db()
    assert supplement.amount_per_unit == D("600")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount_per_unit": "5000"}, "amount_per_unit", "5000 per tablet is more than any Calcium tablet holds"),
        ({"calcium_form": ""}, "calcium_form", "Choose carbonate or citrate (see the label)."),
        ({"units_per_dose": "11"}, "units_per_dose", ""),
        ({"doses_per_day": "0"}, "doses_per_day", ""),
    ],
)
def test_invalid_plan_corrections_keep_what_was_typed(patient_client, patient, change, field, message):
    supplement = CalciumSupplementFactory(patient=patient)
    response = patient_client.post(_supplement_url(supplement), SUPPLEMENT | change)
    assert response.status_code == 422
    body = html.unescape(response.content.decode())
    assert message in body and response.context_data["form"].errors[field]
    assert 'value="Caltrate"' in body and 'aria-invalid="true"' in body
    assert Supplement.objects.get().amount_per_unit == D("315")


def test_a_stopped_line_is_not_edited(patient_client, patient):
    supplement = CalciumSupplementFactory(patient=patient)
    supplement.stop()
    assert patient_client.post(_supplement_url(supplement), SUPPLEMENT).status_code == 404


def test_plan_page_offers_edit_and_its_queries_do_not_grow(patient_client, patient, django_assert_max_num_queries):
    first = CalciumSupplementFactory(patient=patient)
    url = reverse("nutrition:supplement-list", kwargs={"patient_id": patient.pk})
    patient_client.get(url)
    with django_assert_max_num_queries(10) as captured:
        assert _supplement_url(first) in patient_client.get(url).content.decode()
    for _ in range(4):
        CalciumSupplementFactory(patient=patient)
    with django_assert_max_num_queries(len(captured)):
        assert patient_client.get(url).content.decode().count("/edit/") == 5


# The patient's own foods


@pytest.fixture
def oat_drink(patient) -> Food:
    per_100g = {"energy_kcal": D(45), "calcium_mg": D(120), "vitamin_d_iu": D(40), "protein_g": None}
    return Food.objects.create_custom(
        owner=patient, description="Oat drink", per_100g=per_100g, serving_name="glass", serving_grams=D(200)
    )


def test_patient_corrects_a_food_and_past_logs_keep_their_values(patient_client, patient, oat_drink):
    serving = oat_drink.portions.get()
    logged = LogItem.from_food(patient=patient, day=DAY, meal=Meal.BREAKFAST, food=oat_drink, quantity=1, portion=serving)
    logged.save()
    page = patient_client.get(_food_url(oat_drink)).content.decode()
    assert 'value="Oat drink"' in page and 'value="120"' in page and 'value="200"' in page and 'value="glass"' in page

    response = patient_client.post(_food_url(oat_drink), FOOD)

    assert response.status_code == 302
    oat_drink.refresh_from_db()
    assert (oat_drink.description, oat_drink.calcium_mg, oat_drink.vitamin_d_iu, oat_drink.protein_g) == (
        "Oat drink, fortified",
        200.0,
        60.0,
        None,
    )
    assert oat_drink.search_text == " oat drink fortified " and oat_drink.head == "oat drink"
    serving.refresh_from_db()
    assert (serving.measure, serving.gram_weight) == ("glass", D("250"))
    # The day it was logged keeps the values it was logged with.
    logged.refresh_from_db()
    assert (logged.description, logged.grams, logged.calcium_mg, logged.vitamin_d_iu, logged.energy_kcal) == (
        "Oat drink",
        D("200.00"),
        D("240.00"),
        D("80.00"),
        D("90.00"),
    )
    # A new log uses the new values.
    new = LogItem.from_food(patient=patient, day=DAY, meal=Meal.LUNCH, food=oat_drink, quantity=1, portion=serving)
    assert (new.grams, new.calcium_mg) == (D("250.00"), D("500.00"))


def test_clearing_the_serving_removes_it_and_past_logs_keep_their_amounts(patient_client, patient, oat_drink):
    serving = oat_drink.portions.get()
    logged = LogItem.from_food(patient=patient, day=DAY, meal=Meal.BREAKFAST, food=oat_drink, quantity=2, portion=serving)
    logged.save()
    assert patient_client.post(_food_url(oat_drink), FOOD | {"serving_name": "", "serving_grams": ""}).status_code == 302
    assert not oat_drink.portions.exists()
    logged.refresh_from_db()
    assert (logged.unit_label, logged.grams, logged.calcium_mg) == ("glass", D("400.00"), D("480.00"))


def test_values_per_serving_are_stored_per_100g(clinician_client, oat_drink):
    data = FOOD | {"basis": "serving", "calcium_mg": "300"}  # 300 mg in a 250 g glass
    assert clinician_client.post(_food_url(oat_drink), data).status_code == 302
    oat_drink.refresh_from_db()
    assert oat_drink.calcium_mg == 120.0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"energy_kcal": "1200"}, "energy_kcal", "no food has more than 900 (pure fat)"),
        ({"basis": "serving", "serving_grams": ""}, "serving_grams", "Enter the weight of one serving"),
        ({"description": ""}, "description", "This field is required."),
        ({"calcium_mg": "-5"}, "calcium_mg", ""),
    ],
)
def test_invalid_food_corrections_keep_what_was_typed_and_change_nothing(patient_client, oat_drink, change, field, message):
    response = patient_client.post(_food_url(oat_drink), FOOD | {"vitamin_d_iu": "61"} | change)
    assert response.status_code == 422
    body = html.unescape(response.content.decode())
    assert message in body and response.context_data["form"].errors[field]
    assert 'value="61"' in body and 'aria-invalid="true"' in body
    oat_drink.refresh_from_db()
    assert (oat_drink.description, oat_drink.calcium_mg) == ("Oat drink", 120.0)


def test_another_patients_food_is_not_found(patient_client, patient):
    foreign = CustomFoodFactory()
    url = reverse("nutrition:custom-food-edit", kwargs={"patient_id": patient.pk, "food_id": foreign.pk})
    assert patient_client.post(url, FOOD).status_code == 404


def test_foods_page_offers_edit_and_its_queries_do_not_grow(patient_client, patient, oat_drink, django_assert_max_num_queries):
    url = reverse("nutrition:custom-food-list", kwargs={"patient_id": patient.pk})
    patient_client.get(url)
    with django_assert_max_num_queries(10) as captured:
        assert _food_url(oat_drink) in patient_client.get(url).content.decode()
    for i in range(4):
        Food.objects.create_custom(owner=patient, description=f"Cake {i}", per_100g={}, serving_name="slice", serving_grams=D(80))
    with django_assert_max_num_queries(len(captured)):
        assert patient_client.get(url).content.decode().count("/edit/") == 5
