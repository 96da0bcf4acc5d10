"""Height and weight in cm/kg or ft-in/lb: stored in cm and kg to 0.1, shown and typed in the patient's units, no drift."""

import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from bonetrack.accounts import measures
from bonetrack.accounts.models import BodyUnits, PatientProfile
from bonetrack.patients.measure_fields import clean_measures, measure_fields, shown_values
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

TENTHS_CM = [Decimal(n) / 10 for n in range(900, 2501)]  # every storable height
TENTHS_KG = [Decimal(n) / 10 for n in range(250, 3001)]  # every storable weight


def _halves(low: Decimal, high: Decimal) -> list[Decimal]:
    return [Decimal(n) / 2 for n in range(int(low * 2), int(high * 2) + 1)]


def _posted(values: dict) -> dict:
    """What a browser sends back for fields showing `values`."""
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _clean(units: str, patient: PatientProfile, data: dict) -> tuple[dict, dict]:
    """The measure fields of `units` alone, bound to `data`: (cleaned data, errors)."""

    class MeasureForm(forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields.update(measure_fields(units))

        def clean(self):
            clean_measures(self, units, patient)
            return self.cleaned_data

    form = MeasureForm(data)
    form.is_valid()
    return form.cleaned_data, form.errors


def test_every_height_typed_to_the_half_inch_is_shown_again_as_typed():
    inches = _halves(*measures.HEIGHT_INCHES_RANGE)
    assert (inches[0], inches[-1], len(inches)) == (Decimal("35.5"), Decimal(98), 126)
    for total in inches:
        feet, rest = measures.feet_and_inches(total)
        cleaned, errors = _clean(BodyUnits.IMPERIAL, PatientProfile(), {"height_ft": str(feet), "height_in": str(rest)})
        assert not errors, total
        stored = cleaned["height_cm"]
        assert stored == stored.quantize(Decimal("0.1")) and 90 <= stored <= 250
        shown = shown_values(PatientProfile(height_cm=stored), BodyUnits.IMPERIAL)
        assert (shown["height_ft"], shown["height_in"]) == (feet, rest), total


def test_every_weight_typed_to_the_half_pound_is_shown_again_as_typed():
    pounds = _halves(*measures.WEIGHT_POUNDS_RANGE)
    assert (pounds[0], pounds[-1]) == (Decimal("55.5"), Decimal(661))
    for value in pounds:
        cleaned, errors = _clean(BodyUnits.IMPERIAL, PatientProfile(), {"weight_lb": str(value)})
        assert not errors, value
        stored = cleaned["weight_kg"]
        assert stored == stored.quantize(Decimal("0.1")) and 25 <= stored <= 300
        assert shown_values(PatientProfile(weight_kg=stored), BodyUnits.IMPERIAL)["weight_lb"] == value


@pytest.mark.parametrize("units", [BodyUnits.IMPERIAL, BodyUnits.METRIC])
def test_saving_what_was_shown_keeps_every_stored_value(units):
    """Store → show → save, over the whole valid range: the stored value never moves (no drift however often saved)."""
    for cm, kg in zip(TENTHS_CM, TENTHS_KG[: len(TENTHS_CM)], strict=True):
        patient = PatientProfile(height_cm=cm, weight_kg=kg)
        cleaned, errors = _clean(units, patient, _posted(shown_values(patient, units)))
        assert not errors and (cleaned["height_cm"], cleaned["weight_kg"]) == (cm, kg), (cm, kg)
    for kg in TENTHS_KG[len(TENTHS_CM) :]:
        patient = PatientProfile(weight_kg=kg)
        cleaned, errors = _clean(units, patient, _posted(shown_values(patient, units)))
        assert not errors and cleaned["weight_kg"] == kg, kg


def test_without_keeping_what_was_shown_the_half_inch_would_move_stored_heights():
    """Why the form compares with what it showed: 162.6 cm is shown as 5 ft 4 in, which is 162.56 cm."""
    moved = [
        cm for cm in TENTHS_CM if measures.cm_from_feet_and_inches(*measures.feet_and_inches(measures.inches_from_cm(cm))) != cm
    ]
    assert len(moved) > 1000
    patient = PatientProfile(height_cm=Decimal("162.6"))
    assert shown_values(patient, BodyUnits.IMPERIAL) == {"height_ft": 5, "height_in": Decimal(4), "weight_lb": None}
    cleaned, _ = _clean(BodyUnits.IMPERIAL, patient, {"height_ft": "5", "height_in": "4.0", "weight_lb": ""})
    assert cleaned["height_cm"] == Decimal("162.6")
    cleaned, _ = _clean(BodyUnits.IMPERIAL, patient, {"height_ft": "5", "height_in": "4.5", "weight_lb": ""})
    assert cleaned["height_cm"] == Decimal("163.8")


@pytest.mark.parametrize(
    ("units", "data", "field", "message"),
    [
        (
            BodyUnits.IMPERIAL,
            {"height_ft": "2", "height_in": "11"},
            "height_ft",
            "Enter a height between 2 ft 11.5 in and 8 ft 2 in.",
        ),
        (
            BodyUnits.IMPERIAL,
            {"height_ft": "8", "height_in": "2.5"},
            "height_ft",
            "Enter a height between 2 ft 11.5 in and 8 ft 2 in.",
        ),
        (BodyUnits.IMPERIAL, {"height_ft": "5", "height_in": "12"}, "height_in", "Enter the inches as a number from 0 to 11.5"),
        (BodyUnits.IMPERIAL, {"height_ft": "five"}, "height_ft", "Enter a height between 2 ft 11.5 in and 8 ft 2 in."),
        (BodyUnits.IMPERIAL, {"weight_lb": "55"}, "weight_lb", "Enter a weight between 55.5 lb and 661 lb."),
        (BodyUnits.IMPERIAL, {"weight_lb": "nan"}, "weight_lb", "Enter a weight between 55.5 lb and 661 lb."),
        (BodyUnits.METRIC, {"height_cm": "89.9"}, "height_cm", "Enter a height between 90 cm and 250 cm."),
        (BodyUnits.METRIC, {"height_cm": "163.25"}, "height_cm", "Enter at most one decimal place."),
        (BodyUnits.METRIC, {"weight_kg": "300.1"}, "weight_kg", "Enter a weight between 25 kg and 300 kg."),
    ],
)
def test_errors_speak_the_units_typed(units, data, field, message):
    cleaned, errors = _clean(units, PatientProfile(), data)
    assert message in errors[field][0]
    assert ("height_cm" if field.startswith("height") else "weight_kg") not in cleaned  # nothing to store


def test_feet_alone_or_nothing_at_all():
    cleaned, errors = _clean(BodyUnits.IMPERIAL, PatientProfile(height_cm=Decimal(160)), {"height_ft": "6", "height_in": ""})
    assert not errors and cleaned["height_cm"] == Decimal("182.9")
    cleaned, errors = _clean(BodyUnits.IMPERIAL, PatientProfile(height_cm=Decimal(160)), {"height_ft": "", "height_in": ""})
    assert not errors and cleaned["height_cm"] is None


@pytest.mark.parametrize(
    ("cm", "kg", "units", "height", "weight"),
    [
        (Decimal("162.6"), Decimal("61.0"), BodyUnits.IMPERIAL, "5 ft 4 in (162.6 cm)", "134.5 lb (61 kg)"),
        (Decimal("163.8"), Decimal("61.5"), BodyUnits.METRIC, "163.8 cm", "61.5 kg"),
        (Decimal("182.9"), Decimal("100.0"), BodyUnits.IMPERIAL, "6 ft 0 in (182.9 cm)", "220.5 lb (100 kg)"),
    ],
)
def test_texts(cm, kg, units, height, weight):
    assert measures.height_text(cm, units, with_metric=True) == height
    assert measures.weight_text(kg, units, with_metric=True) == weight
    assert measures.height_text(None, units) == measures.weight_text(None, units) == ""


# The profile page -------------------------------------------------------------------------------------------------


def _profile_data(patient: PatientProfile, **measures_data) -> dict:
    return {
        "user-first_name": "Ada",
        "user-last_name": "Byron",
        "user-time_zone": "UTC",
        "user-date_format": "dmy",
        "profile-date_of_birth": patient.date_of_birth.isoformat(),
        "profile-sex": patient.sex,
        "profile-menopausal_status": patient.menopausal_status,
        **{f"profile-{name}": value for name, value in measures_data.items()},
    }


def _field_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="(?:number|hidden)" name="profile-(\w+)" value="([^"]*)"', html))


def test_an_imperial_patient_sees_feet_inches_and_pounds_and_saving_twice_moves_nothing(db, client):
    patient = PatientFactory(body_units=BodyUnits.IMPERIAL, height_cm=Decimal("162.6"), weight_kg=Decimal("61.3"))
    client.force_login(patient.user)
    url = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    for _ in range(3):
        values = _field_values(client.get(url).content.decode())
        assert values == {"shown_units": "imperial", "height_ft": "5", "height_in": "4", "weight_lb": "135"}
        data = _profile_data(patient, body_units="imperial", **values)
        assert client.post(url, data).status_code == 302
        patient.refresh_from_db()
        assert (patient.height_cm, patient.weight_kg) == (Decimal("162.6"), Decimal("61.3"))


def test_weight_entered_in_pounds_is_stored_in_kg(db, client):
    patient = PatientFactory(body_units=BodyUnits.IMPERIAL)
    client.force_login(patient.user)
    url = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    data = _profile_data(patient, body_units="imperial", shown_units="imperial", height_ft="5", height_in="4.5", weight_lb="150")
    assert client.post(url, data).status_code == 302
    patient.refresh_from_db()
    assert (patient.height_cm, patient.weight_kg) == (Decimal("163.8"), Decimal("68.0"))


def test_switching_units_reads_the_values_in_the_units_shown_then_shows_the_new_units(db, client):
    patient = PatientFactory(body_units=BodyUnits.METRIC, height_cm=Decimal("162.6"), weight_kg=Decimal("61.3"))
    client.force_login(patient.user)
    url = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    data = _profile_data(patient, body_units="imperial", shown_units="metric", height_cm="162.6", weight_kg="61.3")
    assert client.post(url, data).status_code == 302
    patient.refresh_from_db()
    assert (patient.body_units, patient.height_cm, patient.weight_kg) == ("imperial", Decimal("162.6"), Decimal("61.3"))
    values = _field_values(client.get(url).content.decode())
    assert (values["height_ft"], values["height_in"], values["weight_lb"]) == ("5", "4", "135")


def test_a_bad_height_in_feet_is_refused_next_to_the_field_and_nothing_is_saved(db, client):
    patient = PatientFactory(body_units=BodyUnits.IMPERIAL, height_cm=Decimal("165.0"))
    client.force_login(patient.user)
    url = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    data = _profile_data(patient, body_units="imperial", shown_units="imperial", height_ft="9", height_in="0", weight_lb="130")
    html = client.post(url, data).content.decode()
    assert "Enter a height between 2 ft 11.5 in and 8 ft 2 in." in html
    assert re.search(r'name="profile-height_ft" value="9"[^>]*aria-invalid="true"', html)
    patient.refresh_from_db()
    assert (patient.height_cm, patient.weight_kg) == (Decimal("165.0"), Decimal("62.0"))


def test_frax_inputs_and_visit_summary_use_the_patients_units(db, client):
    patient = PatientFactory(body_units=BodyUnits.IMPERIAL, height_cm=Decimal("162.6"), weight_kg=Decimal("61.0"))
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    client.force_login(clinician)
    frax = client.get(reverse("risk:frax", kwargs={"patient_id": patient.pk})).content.decode()
    inputs = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td[^>]*>([^<]+)</td></tr>', frax))
    assert (inputs["Height"], inputs["Weight"]) == ("5 ft 4 in (162.6 cm)", "134.5 lb (61 kg)")
    summary = client.get(reverse("portability:summary", kwargs={"patient_id": patient.pk})).content.decode()
    assert "height 5 ft 4 in (162.6 cm)" in summary and "weight 134.5 lb (61 kg)" in summary
