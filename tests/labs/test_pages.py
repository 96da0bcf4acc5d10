import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from bonetrack.core.timezones import local_today
from bonetrack.labs.models import LabResult
from tests.labs.factories import LabResultFactory

pytestmark = pytest.mark.django_db


def _url(patient) -> str:
    return reverse("labs:lab-list", kwargs={"patient_id": patient.pk})


def _post(client, patient, **data):
    base = {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L"}
    return client.post(_url(patient), base | data)


def test_patient_adds_a_vitamin_d_result_in_nmol(patient_client, patient):
    response = _post(patient_client, patient, notes="Fasting")
    assert response.status_code == 302 and response.url == _url(patient)
    result = LabResult.objects.get(patient=patient)
    assert (result.value, result.entered_value, result.entered_unit) == (D("30.0"), D("75"), "nmol/L")
    assert result.entered_by == patient.user and result.notes == "Fasting"
    assert (result.range_low, result.range_high) == (None, None)
    body = patient_client.get(_url(patient)).content.decode()
    assert "75 nmol/L" in body and "= 30 ng/mL" in body
    assert '<span class="badge badge-ok">At target</span>' in body


def test_care_team_adds_calcium_with_the_labs_range_in_mmol(clinician_client, clinician, patient):
    calcium = {"test": "calcium", "entered_value": "2.6", "entered_unit": "mmol/L", "range_low": "2.2", "range_high": "2.6"}
    _post(clinician_client, patient, **calcium)
    result = LabResult.objects.get(patient=patient)
    assert (result.value, result.range_low, result.range_high) == (D("10.42"), D("8.82"), D("10.42"))
    assert result.entered_by == clinician
    assert result.interpretation.key == "normal"  # 10.42 is high by default, but within the lab's range
    body = clinician_client.get(_url(patient)).content.decode()
    assert "Within range" in body and "Lab range 8.82–10.42 mg/dL" in body


def test_list_is_newest_first_with_badges(patient_client, patient):
    LabResultFactory(patient=patient, taken_on=dt.date(2020, 1, 1), entered_value=D("15"))
    LabResultFactory(patient=patient, taken_on=dt.date(2024, 1, 1), entered_value=D("35"))
    LabResultFactory(patient=patient, taken_on=dt.date(2022, 1, 1), entered_value=D("25"))
    LabResultFactory(patient=patient, test="calcium", entered_unit="mg/dL", taken_on=dt.date(2023, 1, 1), entered_value=D("10.6"))
    LabResultFactory(taken_on=dt.date(2025, 1, 1))  # someone else's
    response = patient_client.get(_url(patient))
    results = list(response.context_data["results"])
    assert [r.taken_on.year for r in results] == [2024, 2023, 2022, 2020]
    body = response.content.decode()
    assert [body.index(label) for label in ("At target", "Above range", "Insufficient", "Deficient")] == sorted(
        body.index(label) for label in ("At target", "Above range", "Insufficient", "Deficient")
    )
    assert "Usual range 8.5–10.2 mg/dL" in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"entered_value": "625"}, "entered_value", "at most 250 ng/mL (624 nmol/L)"),
        ({"entered_value": "251", "entered_unit": "ng/mL"}, "entered_value", "at most 250 ng/mL"),
        ({"entered_value": "0"}, "entered_value", "above 0"),
        ({"test": "calcium", "entered_value": "0.4", "entered_unit": "mmol/L"}, "entered_value", "between 2 and 20 mg/dL"),
        ({"test": "calcium", "entered_value": "25", "entered_unit": "mg/dL"}, "entered_value", "between 2 and 20 mg/dL"),
        ({"entered_unit": "mg/dL"}, "entered_unit", "given in ng/mL or nmol/L"),
        ({"range_low": "8.5", "range_high": "10.2"}, "range_low", "only used for serum calcium"),
        ({"test": "calcium", "entered_value": "9", "entered_unit": "mg/dL", "range_low": "8.5"}, "range_high", "both ends"),
        (
            {"test": "calcium", "entered_value": "9", "entered_unit": "mg/dL", "range_low": "10", "range_high": "9"},
            "range_high",
            "above the low end",
        ),
        ({"taken_on": "1940-01-01"}, "taken_on", "before the date of birth"),
        ({"entered_value": "abc"}, "entered_value", "Enter a number"),
    ],
)
def test_invalid_input_shows_the_error_next_to_the_field_and_keeps_the_input(patient_client, patient, data, field, message):
    response = _post(patient_client, patient, **data)
    assert response.status_code == 200
    form = response.context_data["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body  # rendered with the field (aria-describedby)
    if field == "entered_value" and data.get("entered_value") != "abc":
        assert f'value="{data["entered_value"]}"' in body
    assert not LabResult.objects.exists()


def test_future_date_in_the_patients_own_zone_is_refused(patient_client, patient):
    patient.user.time_zone = "Pacific/Kiritimati"  # UTC+14: already tomorrow for most of the world
    patient.user.save()
    today = local_today(patient.user)
    assert _post(patient_client, patient, taken_on=today.isoformat()).status_code == 302
    response = _post(patient_client, patient, taken_on=(today + dt.timedelta(days=1)).isoformat())
    assert "can't be in the future" in " ".join(response.context_data["form"].errors["taken_on"])
    assert LabResult.objects.count() == 1


def test_delete_is_scoped_and_confirmed_on_a_page_without_javascript(patient_client, patient):
    mine = LabResultFactory(patient=patient)
    other = LabResultFactory()
    body = patient_client.get(_url(patient)).content.decode()
    assert "data-confirm" not in body  # no "are you sure?": Undo instead
    confirm = patient_client.get(reverse("labs:lab-delete", kwargs={"patient_id": patient.pk, "lab_id": mine.pk}))
    assert "Delete the result 25(OH)D (vitamin D) 32 ng/mL on 1 Mar 2024?" in confirm.content.decode()
    foreign = reverse("labs:lab-delete", kwargs={"patient_id": patient.pk, "lab_id": other.pk})
    assert patient_client.post(foreign).status_code == 404
    own = reverse("labs:lab-delete", kwargs={"patient_id": patient.pk, "lab_id": mine.pk})
    assert patient_client.post(own).status_code == 302
    assert list(LabResult.objects.all()) == [other]


def test_tab_is_listed_and_current(patient_client, patient):
    response = patient_client.get(_url(patient))
    assert 'aria-current="page"' in response.content.decode().split(">Labs<")[0].rsplit("<a", 1)[1]


def test_query_count_is_fixed(patient_client, patient, django_assert_max_num_queries):
    for year in range(2010, 2025):
        LabResultFactory(patient=patient, taken_on=dt.date(year, 1, 1))
    with django_assert_max_num_queries(8) as captured:
        response = patient_client.get(_url(patient))
    assert response.status_code == 200 and len(response.context_data["results"]) == 15
    LabResultFactory(patient=patient, taken_on=dt.date(2025, 1, 1))
    with django_assert_max_num_queries(len(captured)):
        patient_client.get(_url(patient))


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"value": D("0")}, "labs_value_positive"),
        ({"entered_value": D("0")}, "labs_entered_value_positive"),
        ({"value": D("250.5")}, "labs_vitamin_d_plausible"),
        ({"test": "calcium", "entered_unit": "mg/dL", "value": D("1.5")}, "labs_calcium_plausible"),
        ({"test": "calcium", "entered_unit": "mg/dL", "value": D("21")}, "labs_calcium_plausible"),
        ({"entered_unit": "mg/dL"}, "labs_unit_matches_test"),
        ({"range_low": D("8.5"), "range_high": D("10.2")}, "labs_range_calcium_only"),
        (
            {"test": "calcium", "entered_unit": "mg/dL", "value": D("9"), "range_low": D("10"), "range_high": D("9")},
            "labs_range_low_below_high",
        ),
    ],
)
def test_database_constraints(patient, fields, constraint):
    base = {"patient": patient, "test": "vitamin_d_25oh", "value": D("30"), "entered_value": D("30"), "entered_unit": "ng/mL"}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        LabResult.objects.create(taken_on=dt.date(2024, 1, 1), **(base | fields))
