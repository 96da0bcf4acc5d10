from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.forms import CustomFoodForm, SupplementForm
from nutrition.models import Food, Portion, Supplement


def test_custom_food_per_serving_is_stored_per_100g(patient):
    form = CustomFoodForm(
        {
            "description": "Oat drink, fortified",
            "basis": "serving",
            "serving_name": "glass",
            "serving_grams": "250",
            "calcium_mg": "300",
            "vitamin_d_iu": "100",
        }
    )
    assert form.is_valid(), form.errors
    food = Food.objects.create_custom(owner=patient, **form.custom_food())
    assert (food.calcium_mg, food.vitamin_d_iu, food.energy_kcal) == (120.0, 40.0, None)
    assert Portion.objects.get(food=food).measure == "glass"
    assert food.search_text == " oat drink fortified "


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"calcium_mg": "-5"}, "calcium_mg", "Enter 0 or more."),
        ({"energy_kcal": "950"}, "energy_kcal", "no food has more than 900"),
        ({"protein_g": "60", "sodium_mg": "45000"}, None, "more than the food itself weighs"),
        ({"basis": "serving", "calcium_mg": "100"}, "serving_grams", "Enter the weight of one serving"),
        ({"basis": "serving", "serving_grams": "20", "energy_kcal": "200"}, "energy_kcal", "1000 kcal per 100 g"),
    ],
)
def test_custom_food_values_must_be_possible(db, data, field, message):
    form = CustomFoodForm({"description": "Test", "basis": "100g", **data})
    assert not form.is_valid()
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors), form.errors


def test_custom_food_errors_keep_input_and_save_nothing(patient_client, patient):
    url = reverse("nutrition:custom-food-list", kwargs={"patient_id": patient.pk})
    response = patient_client.post(url, {"description": "Bad food", "basis": "100g", "energy_kcal": "1200", "calcium_mg": "80"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Bad food"' in html and 'value="80"' in html
    assert not Food.objects.filter(owner=patient).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "calcium", "amount_per_unit": "500"}, "calcium_form"),
        ({"kind": "vitamin_d3", "amount_per_unit": "0"}, "amount_per_unit"),
        ({"kind": "calcium", "calcium_form": "citrate", "amount_per_unit": "5000"}, "amount_per_unit"),
        ({"kind": "magnesium", "amount_per_unit": "100", "units_per_dose": "0"}, "units_per_dose"),
    ],
)
def test_supplement_validation(db, data, field):
    form = SupplementForm({"units_per_dose": "1", "doses_per_day": "1", **data})
    assert not form.is_valid()
    assert field in form.errors


def test_supplement_plan_and_stop(patient_client, patient):
    url = reverse("nutrition:supplement-list", kwargs={"patient_id": patient.pk})
    data = {"kind": "calcium", "calcium_form": "carbonate", "amount_per_unit": "600", "units_per_dose": "1", "doses_per_day": "2"}
    assert patient_client.post(url, data).status_code == 302
    supplement = Supplement.objects.get(patient=patient)
    assert (supplement.dose_amount, supplement.daily_amount) == (Decimal(600), Decimal(1200))
    html = patient_client.get(url).content.decode()
    assert "split it into smaller doses" in html
    patient_client.post(reverse("nutrition:supplement-stop", kwargs={"patient_id": patient.pk, "supplement_id": supplement.pk}))
    supplement.refresh_from_db()
    assert not supplement.active
