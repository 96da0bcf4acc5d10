"""Numbers and dates a patient sends to the nutrition pages are bounded: refused with a message, never moved or a 500."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.forms import ENTRY_MAX, CustomFoodForm
from nutrition.models import Food, LogItem, Supplement
from tests.nutrition.factories import SupplementFactory

IMPOSSIBLE_DAYS = [
    ("0001-01-01", "Choose a day after your date of birth."),
    ("1900-01-01", "Choose a day after your date of birth."),
    ("9999-12-31", "future days cannot be logged"),
    ("2024-02-30", "The day is not a valid date; reload the page."),
    ("", "Choose the day it was taken."),
]


@pytest.fixture
def supplement(patient) -> Supplement:
    return SupplementFactory(patient=patient, kind="vitamin_d3", amount_per_unit=Decimal(1000))


def tick_url(patient, supplement) -> str:
    return reverse("nutrition:supplement-tick", kwargs={"patient_id": patient.pk, "supplement_id": supplement.pk})


@pytest.mark.parametrize(("day", "message"), IMPOSSIBLE_DAYS)
def test_a_tick_on_an_impossible_day_is_refused_not_moved(patient_client, patient, supplement, day, message):
    response = patient_client.post(tick_url(patient, supplement), {"date": day})
    assert response.status_code == 422
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and message in shown[0] and "not recorded" in shown[0]
    assert not LogItem.objects.exists()


@pytest.mark.parametrize(("day", "message"), IMPOSSIBLE_DAYS[:3])
def test_over_htmx_the_refusal_is_a_message_and_the_page_stays(patient_client, patient, supplement, day, message):
    response = patient_client.post(tick_url(patient, supplement), {"date": day}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    event = json.loads(response["HX-Trigger"])["showMessage"]
    assert event["level"] == "error" and message in event["value"]
    assert not LogItem.objects.exists()


def test_a_tick_on_the_day_of_birth_and_today_is_recorded(patient_client, patient, supplement, today):
    for day in (patient.date_of_birth, today):
        assert patient_client.post(tick_url(patient, supplement), {"date": day.isoformat()}).status_code == 302
    assert sorted(LogItem.objects.values_list("date", flat=True)) == [patient.date_of_birth, today]


@pytest.mark.parametrize("field", CustomFoodForm.NUMBER_FIELDS)
@pytest.mark.parametrize("value", ["1e25", "9" * 30])
def test_a_huge_custom_food_value_is_a_field_error(patient_client, patient, field, value):
    url = reverse("nutrition:custom-food-list", kwargs={"patient_id": patient.pk})
    response = patient_client.post(url, {"description": "Kale chips", "basis": "100g", field: value})
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [f"Enter {ENTRY_MAX[field]:,} or less; check the unit."]
    assert not Food.objects.filter(owner=patient).exists()


def test_vitamin_k_per_100_g_must_be_possible(db):
    form = CustomFoodForm({"description": "Natto", "basis": "serving", "serving_grams": "50", "vitamin_k_mcg": "60000"})
    assert not form.is_valid()
    assert form.errors["vitamin_k_mcg"] == ["That much vitamin K is not possible in a food; check the unit (mcg, not mg)."]
    form = CustomFoodForm({"description": "Natto", "basis": "serving", "serving_grams": "50", "vitamin_k_mcg": "500"})
    assert form.is_valid(), form.errors
