"""Correcting a fracture: the next scan date follows; patients may not change or delete what their care team recorded."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import FractureFactory

pytestmark = pytest.mark.django_db

VALID = {"site": "wrist", "occurred_on": "2020-05-01", "fragility": "on", "notes": "Fell on ice"}


def _edit_url(fracture) -> str:
    return reverse("patients:fracture-edit", kwargs={"patient_id": fracture.patient_id, "fracture_id": fracture.pk})


def _list_url(patient) -> str:
    return reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})


def _fields(fracture) -> tuple:
    fracture.refresh_from_db()
    return (fracture.site, fracture.occurred_on, fracture.fragility, fracture.on_glucocorticoids, fracture.notes)


@pytest.fixture
def osteopenic(patient):
    """One scan in the osteopenia range above −2.0: next scan in 5 years, or 2 with a risk factor such as a fragility fracture."""
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("0.900", "-1.5")})
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2026, 4, 1)
    return patient


def test_patient_corrects_their_fracture_and_the_next_scan_date_follows(patient_client, osteopenic):
    fracture = FractureFactory(patient=osteopenic, recorded_by=osteopenic.user, occurred_on=dt.date(2020, 5, 1), fragility=False)
    page = patient_client.get(_edit_url(fracture))
    assert page.status_code == 200 and 'value="2020-05-01"' in page.content.decode()

    response = patient_client.post(_edit_url(fracture), VALID)

    assert response.status_code == 302 and response.url == _list_url(osteopenic)
    assert _fields(fracture) == ("wrist", dt.date(2020, 5, 1), True, False, "Fell on ice")
    assert fracture.recorded_by == osteopenic.user
    osteopenic.refresh_from_db()
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)  # now a fragility fracture: a risk factor (R5)
    # And back: no longer a fragility fracture, the date moves back.
    patient_client.post(_edit_url(fracture), {k: v for k, v in VALID.items() if k != "fragility"})
    osteopenic.refresh_from_db()
    assert osteopenic.next_scan_due_on == dt.date(2026, 4, 1)


def test_clinician_corrects_a_fracture_the_patient_recorded(clinician_client, patient):
    fracture = FractureFactory(patient=patient, recorded_by=patient.user)
    assert clinician_client.post(_edit_url(fracture), VALID | {"site": "hip"}).status_code == 302
    assert _fields(fracture)[0] == "hip"


def test_patient_may_not_edit_or_delete_a_fracture_the_care_team_recorded(patient_client, patient, clinician):
    fracture = FractureFactory(patient=patient, recorded_by=clinician, site="hip")
    before = _fields(fracture)
    page = patient_client.get(_edit_url(fracture))
    assert page.status_code == 403
    assert "Your care team entered this, so only they can change it." in html.unescape(page.content.decode())
    assert patient_client.post(_edit_url(fracture), VALID).status_code == 403
    assert _fields(fracture) == before
    delete = reverse("patients:fracture-delete", kwargs={"patient_id": patient.pk, "fracture_id": fracture.pk})
    assert patient_client.post(delete).status_code == 403
    assert _fields(fracture) == before
    body = patient_client.get(_list_url(patient)).content.decode()
    assert _edit_url(fracture) not in body and delete not in body
    assert "Recorded by your care team" in body


def test_list_offers_edit_and_delete_for_the_patients_own(patient_client, patient):
    fracture = FractureFactory(patient=patient, recorded_by=patient.user)
    body = patient_client.get(_list_url(patient)).content.decode()
    assert _edit_url(fracture) in body
    assert reverse("patients:fracture-delete", kwargs={"patient_id": patient.pk, "fracture_id": fracture.pk}) in body


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on", "The date can't be in the future."),
        ({"occurred_on": "1900-01-01"}, "occurred_on", "The date can't be before the date of birth."),
        ({"site": "elbow"}, "site", "Select a valid choice."),
    ],
)
def test_invalid_corrections_keep_what_was_typed_and_change_nothing(patient_client, patient, change, field, message):
    fracture = FractureFactory(patient=patient, recorded_by=patient.user)
    before = _fields(fracture)
    response = patient_client.post(_edit_url(fracture), VALID | {"notes": "kept text"} | change)
    assert response.status_code == 422
    body = html.unescape(response.content.decode())
    assert message in body and response.context_data["form"].errors[field]
    assert "kept text" in body and 'aria-invalid="true"' in body
    assert _fields(fracture) == before


def test_list_query_count_does_not_grow_with_recorders(patient_client, patient, clinician, django_assert_max_num_queries):
    FractureFactory(patient=patient, recorded_by=patient.user)
    patient_client.get(_list_url(patient))
    with django_assert_max_num_queries(10) as captured:
        patient_client.get(_list_url(patient))
    for _ in range(4):
        FractureFactory(patient=patient, recorded_by=clinician)
        FractureFactory(patient=patient, recorded_by=patient.user)
    with django_assert_max_num_queries(len(captured)):
        assert patient_client.get(_list_url(patient)).content.decode().count("/edit/") == 5
