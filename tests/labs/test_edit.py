"""Correcting a lab result: the add form's checks, the value worked out again, and the care team's entries kept from patients."""

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.factories import ClinicianFactory, MembershipFactory
from tests.labs.factories import LabResultFactory

pytestmark = pytest.mark.django_db

VALID = {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L", "notes": ""}


def _edit_url(result) -> str:
    return reverse("labs:lab-edit", kwargs={"patient_id": result.patient_id, "lab_id": result.pk})


def _list_url(patient) -> str:
    return reverse("labs:lab-list", kwargs={"patient_id": patient.pk})


def _fields(result) -> tuple:
    result.refresh_from_db()
    return (result.test, result.taken_on, result.value, result.entered_value, result.entered_unit, result.range_low, result.notes)


def test_patient_corrects_their_result_and_the_value_is_worked_out_again(patient_client, patient):
    result = LabResultFactory(patient=patient, entered_by=patient.user, entered_value=D("32"), entered_unit="ng/mL")
    page = patient_client.get(_edit_url(result))
    assert page.status_code == 200
    assert 'value="32.00"' in page.content.decode()

    response = patient_client.post(_edit_url(result), VALID | {"notes": "Typed the wrong unit"})

    assert response.status_code == 302 and response.url == _list_url(patient)
    assert _fields(result) == ("vitamin_d_25oh", dt.date(2024, 5, 1), D("30.0"), D("75"), "nmol/L", None, "Typed the wrong unit")
    assert result.entered_by == patient.user  # who entered it does not change


def test_calcium_range_opens_in_the_entered_unit_and_round_trips_without_drift(clinician_client, patient, clinician):
    result = LabResultFactory(
        patient=patient,
        entered_by=clinician,
        test="calcium",
        entered_value=D("2.38"),
        entered_unit="mmol/L",
        range_low=D("8.82"),
        range_high=D("10.30"),
    )
    body = clinician_client.get(_edit_url(result)).content.decode()
    assert 'name="range_low" value="2.2"' in body and 'name="range_high" value="2.57"' in body
    data = {"test": "calcium", "taken_on": "2024-03-01", "entered_value": "2.38", "entered_unit": "mmol/L"}
    for _ in range(3):  # saving the form unchanged again and again moves nothing
        form_range = {"range_low": "2.2", "range_high": "2.57"}
        assert clinician_client.post(_edit_url(result), data | form_range).status_code == 302
        result.refresh_from_db()
        assert (result.value, result.range_low, result.range_high) == (D("9.54"), D("8.82"), D("10.30"))


def test_clinician_corrects_a_result_the_patient_entered(clinician_client, patient):
    result = LabResultFactory(patient=patient, entered_by=patient.user)
    assert clinician_client.post(_edit_url(result), VALID).status_code == 302
    assert _fields(result)[2] == D("30.0")


def test_clinician_corrects_a_colleagues_result(client, patient, clinician):
    colleague = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=colleague)
    result = LabResultFactory(patient=patient, entered_by=colleague)
    client.force_login(clinician)
    assert client.post(_edit_url(result), VALID).status_code == 302
    assert _fields(result)[2] == D("30.0")


def test_patient_may_not_edit_a_result_the_care_team_entered(patient_client, patient, clinician):
    result = LabResultFactory(patient=patient, entered_by=clinician)
    before = _fields(result)
    page = patient_client.get(_edit_url(result))
    assert page.status_code == 403
    assert "Your care team entered this, so only they can change it." in html.unescape(page.content.decode())
    assert 'name="entered_value"' not in page.content.decode()
    # A forged POST is refused and changes nothing.
    assert patient_client.post(_edit_url(result), VALID).status_code == 403
    assert _fields(result) == before
    # The list offers no Edit for it, and says why.
    body = patient_client.get(_list_url(patient)).content.decode()
    assert _edit_url(result) not in body and "Entered by your care team" in body


def test_list_offers_edit_for_the_patients_own_results(patient_client, patient, clinician):
    own = LabResultFactory(patient=patient, entered_by=patient.user)
    imported = LabResultFactory(patient=patient, entered_by=None)
    body = patient_client.get(_list_url(patient)).content.decode()
    assert _edit_url(own) in body and _edit_url(imported) in body


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"entered_value": "900"}, "entered_value", "Enter a 25(OH)D (vitamin D) result above 0 and at most 250 ng/mL"),
        ({"entered_unit": "mg/dL"}, "entered_unit", "25(OH)D (vitamin D) is given in ng/mL or nmol/L."),
        ({"taken_on": "2999-01-01"}, "taken_on", "The date can't be in the future."),
        ({"range_low": "2.2"}, "range_low", "A lab range is only used for serum calcium."),
    ],
)
def test_invalid_corrections_keep_what_was_typed_and_change_nothing(patient_client, patient, change, field, message):
    result = LabResultFactory(patient=patient, entered_by=patient.user)
    before = _fields(result)
    response = patient_client.post(_edit_url(result), VALID | {"notes": "kept text"} | change)
    assert response.status_code == 422
    body = html.unescape(response.content.decode())
    assert message in body
    assert response.context_data["form"].errors[field]
    assert "kept text" in body  # what was typed is still in the form
    assert 'aria-invalid="true"' in body
    assert _fields(result) == before


def test_list_query_count_does_not_grow_with_authors(patient_client, patient, django_assert_max_num_queries):
    LabResultFactory(patient=patient, entered_by=patient.user)
    patient_client.get(_list_url(patient))
    with django_assert_max_num_queries(10) as captured:
        patient_client.get(_list_url(patient))
    for _ in range(5):
        LabResultFactory(patient=patient, entered_by=ClinicianFactory())
        LabResultFactory(patient=patient, entered_by=patient.user)
    with django_assert_max_num_queries(len(captured)):
        assert patient_client.get(_list_url(patient)).content.decode().count("/edit/") == 6
