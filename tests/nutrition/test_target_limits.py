"""A care-team target above the R7 upper limit needs a ticked confirmation and a reason, stored with the override."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.forms import TargetOverrideForm
from nutrition.models import NutrientTargetOverride
from nutrition.targets import default_targets, limit_for_target
from tests.nutrition.factories import TargetOverrideFactory


def targets_url(patient) -> str:
    return reverse("nutrition:targets", kwargs={"patient_id": patient.pk})


def form_for(data, age=68, sex="female", overrides=None) -> TargetOverrideForm:
    return TargetOverrideForm(data, defaults=default_targets(age, sex), overrides=overrides or {})


@pytest.mark.parametrize(
    ("nutrient", "age", "limit"),
    [("calcium_mg", 40, 2500), ("calcium_mg", 68, 2000), ("calcium_mg", 16, 3000), ("vitamin_d_iu", 68, 4000)],
)
def test_limit_for_target(nutrient, age, limit):
    assert limit_for_target(default_targets(age, "female")[nutrient]) == limit


def test_magnesium_limit_is_for_supplements_only_so_its_target_has_none():
    assert limit_for_target(default_targets(68, "male")["magnesium_mg"]) is None
    assert form_for({"magnesium_mg": "600"}).is_valid()


@pytest.mark.parametrize(("nutrient", "value"), [("calcium_mg", "5000"), ("calcium_mg", "2000.1"), ("vitamin_d_iu", "50000")])
def test_above_the_upper_limit_needs_confirmation_and_reason(nutrient, value):
    form = form_for({nutrient: value})
    assert not form.is_valid()
    assert "Tick this box if you mean it." in form.errors[f"{nutrient}_confirm"][0]
    assert "above the upper limit" in form.errors[f"{nutrient}_reason"][0]
    assert set(form.errors) == {f"{nutrient}_confirm", f"{nutrient}_reason"}


def test_calcium_message_names_the_value_and_the_limit():
    form = form_for({"calcium_mg": "5000", "calcium_mg_reason": "Malabsorption after bariatric surgery"})
    assert form.errors["calcium_mg_confirm"] == [
        "Calcium 5,000 mg is above the upper limit of 2,000 mg. Tick this box if you mean it."
    ]
    assert "calcium_mg_reason" not in form.errors


def test_a_reason_of_spaces_is_no_reason():
    form = form_for({"vitamin_d_iu": "6000", "vitamin_d_iu_confirm": "on", "vitamin_d_iu_reason": "   "})
    assert list(form.errors) == ["vitamin_d_iu_reason"]


@pytest.mark.parametrize(("age", "value"), [(68, "2000"), (40, "2500")])
def test_at_the_upper_limit_needs_nothing(age, value):
    form = form_for({"calcium_mg": value}, age=age)
    assert form.is_valid(), form.errors
    assert form.values()["calcium_mg"] == Decimal(value)
    assert form.reasons() == {}


def test_confirmed_with_reason_is_valid_and_gives_the_reason():
    form = form_for({"vitamin_d_iu": "6000", "vitamin_d_iu_confirm": "on", "vitamin_d_iu_reason": " Deficiency, 3 months "})
    assert form.is_valid(), form.errors
    assert form.reasons() == {"vitamin_d_iu": "Deficiency, 3 months"}
    assert set(form.values()) == {
        "calcium_mg",
        "vitamin_d_iu",
        "magnesium_mg",
        "vitamin_k_mcg",
        "protein_g",
        "sodium_mg",
        "caffeine_mg",
    }


def test_clinician_saves_a_target_above_the_limit_with_its_reason(client, patient, clinician):
    client.force_login(clinician)
    refused = client.post(targets_url(patient), {"calcium_mg": "5000", "vitamin_d_iu": "50000"})
    assert refused.status_code == 422
    assert not NutrientTargetOverride.objects.exists()
    html = refused.content.decode()
    assert "Calcium 5,000 mg is above the upper limit of 2,000 mg. Tick this box if you mean it." in html
    assert "Vitamin D 50,000 IU is above the upper limit of 4,000 IU. Tick this box if you mean it." in html
    assert 'value="5000"' in html and 'value="50000"' in html  # nothing typed is lost

    data = {"calcium_mg": "2500", "calcium_mg_confirm": "on", "calcium_mg_reason": "Hungry bone syndrome after parathyroidectomy"}
    assert client.post(targets_url(patient), data).status_code == 302
    override = NutrientTargetOverride.objects.get(patient=patient)
    assert (override.value, override.reason, override.set_by) == (2500, data["calcium_mg_reason"], clinician)

    client.force_login(patient.user)
    html = client.get(targets_url(patient)).content.decode()
    assert "Above the upper limit on purpose:</strong> Hungry bone syndrome after parathyroidectomy" in html


def test_an_override_already_above_the_limit_is_kept_when_other_targets_are_saved(client, patient, clinician):
    TargetOverrideFactory(patient=patient, nutrient="calcium_mg", value=Decimal(2400), reason="Coeliac disease", set_by=clinician)
    client.force_login(clinician)
    form = client.get(targets_url(patient)).context["form"]
    assert (form["calcium_mg_confirm"].value(), form["calcium_mg_reason"].value()) == (True, "Coeliac disease")
    data = {"calcium_mg": "2400", "calcium_mg_confirm": "on", "calcium_mg_reason": "Coeliac disease", "sodium_mg": "1500"}
    assert client.post(targets_url(patient), data).status_code == 302
    overrides = NutrientTargetOverride.objects.by_nutrient(patient)
    assert (overrides["calcium_mg"].value, overrides["calcium_mg"].reason) == (2400, "Coeliac disease")
    assert overrides["sodium_mg"].reason == ""


def test_lowering_below_the_limit_drops_the_reason(client, patient, clinician):
    TargetOverrideFactory(patient=patient, nutrient="calcium_mg", value=Decimal(2400), reason="Coeliac disease", set_by=clinician)
    client.force_login(clinician)
    client.post(targets_url(patient), {"calcium_mg": "1500", "calcium_mg_reason": "Coeliac disease"})
    override = NutrientTargetOverride.objects.get(patient=patient)
    assert (override.value, override.reason) == (1500, "")
