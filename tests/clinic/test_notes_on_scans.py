import datetime as dt

import pytest
from django.urls import reverse

from bonetrack.clinic.models import ClinicalNote
from tests.dexa.factories import make_scan
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(patient):
    return make_scan(patient, dt.date(2025, 2, 3), {"lumbar_spine": ("0.800", "-2.2")})


def _add_note(client, patient, **data):
    return client.post(reverse("clinic:note-add", kwargs={"patient_id": patient.pk}), data)


def test_a_note_pinned_to_a_scan_shows_on_the_scan_and_in_the_timeline(clinician_client, patient, scan):
    response = _add_note(clinician_client, patient, body="Spine lower than expected; repeat in 12 months.", scan=scan.pk)
    assert response.status_code == 302
    note = ClinicalNote.objects.get(patient=patient)
    assert note.scan == scan

    detail = clinician_client.get(reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))
    assert "Spine lower than expected" in detail.content.decode()

    timeline = clinician_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    assert "About the scan of 3 Feb 2025" in timeline.content.decode()


def test_a_note_cannot_be_pinned_to_another_patients_scan(clinician_client, patient):
    foreign = make_scan(PatientFactory(), dt.date(2025, 2, 3), {"lumbar_spine": ("0.800", "-2.2")})
    response = _add_note(clinician_client, patient, body="Wrong record", scan=foreign.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Wrong record" in response.content.decode()  # what was typed is kept
    assert not ClinicalNote.objects.exists()


def test_the_scan_page_offers_a_pinned_note_to_the_care_team_only(client, clinician_client, patient, scan):
    url = reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
    assert f"?scan={scan.pk}" in clinician_client.get(url).content.decode()
    client.force_login(patient.user)
    page = client.get(url).content.decode()
    assert "Care team notes" not in page
    assert f"?scan={scan.pk}" not in page
