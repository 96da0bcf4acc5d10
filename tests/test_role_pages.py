"""What each role's pages offer, decided by `user.is_patient`, `user.is_care_team` and `user.is_admin`."""

import pytest
from django.urls import reverse

from tests.dexa.factories import MeasurementFactory

pytestmark = pytest.mark.django_db


def _page(client, user, url_name: str, **kwargs) -> str:
    client.force_login(user)
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_only_the_care_team_imports_scans_and_reads_scan_notes(client, patient, clinician):
    scan = MeasurementFactory(scan__patient=patient).scan
    for user, care_team in ((patient.user, False), (clinician, True)):
        scans = _page(client, user, "dexa:scan-list", patient_id=patient.pk)
        detail = _page(client, user, "dexa:scan-detail", patient_id=patient.pk, scan_id=scan.pk)
        assert ("Import CSV" in scans) is care_team
        assert ("Care team notes about this scan" in detail) is care_team


def test_patients_are_told_their_scans_will_be_verified(client, patient, clinician):
    assert "Your care team will verify them." in _page(client, patient.user, "dexa:scan-add", patient_id=patient.pk)
    assert "Your care team will verify them." not in _page(client, clinician, "dexa:scan-add", patient_id=patient.pk)


def test_only_the_care_team_sees_the_scan_interval_on_the_profile(client, patient, clinician):
    assert "Change the scan interval" not in _page(client, patient.user, "patients:profile", patient_id=patient.pk)
    assert "Change the scan interval" in _page(client, clinician, "patients:profile", patient_id=patient.pk)


def test_admins_see_every_patient_and_clinicians_their_own(client, clinician, admin_user):
    assert "<h1>All patients</h1>" in _page(client, admin_user, "careteams:patient-list")
    assert "<h1>My patients</h1>" in _page(client, clinician, "careteams:patient-list")
    assert "Every patient" in _page(client, admin_user, "clinic:worklist")
    assert "The patients on your care team" in _page(client, clinician, "clinic:worklist")


def test_the_care_team_gets_its_links_and_a_patient_their_tabs(client, patient, clinician, admin_user):
    for user in (clinician, admin_user):
        client.force_login(user)
        nav = client.get(reverse("careteams:patient-list")).context["nav_links"]
        assert [link["label"] for link in nav] == ["Worklist", "Patients"]
        assert [link["current"] for link in nav] == [False, True]
    client.force_login(patient.user)
    nav = client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})).context["nav_links"]
    assert "Bone density" in [link["label"] for link in nav] and "Worklist" not in [link["label"] for link in nav]
