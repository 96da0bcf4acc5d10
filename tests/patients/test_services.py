"""Changes to the patient's own details move the next scan date, and the reminders hear of it."""

import datetime as dt

import pytest
from django.urls import reverse

from bonetrack.accounts.models import Fracture
from bonetrack.audit.models import RecordEvent
from bonetrack.patients.services import fracture_delete, fracture_record, profile_update
from bonetrack.reminders.models import ReminderDueDate
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import AdminFactory, ClinicianFactory, FractureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def osteopenic(patient):
    """One scan in the osteopenia range above −2.0: next scan in 5 years, or 2 with a risk factor (R5)."""
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("0.900", "-1.5")})
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2026, 4, 1)
    return patient


def test_profile_update_saves_the_details_and_risk_factors_and_moves_the_date(osteopenic):
    osteopenic.smoking = "current"
    osteopenic.user.first_name = "Margaret"
    profile_update(patient=osteopenic, user=osteopenic.user)
    osteopenic.refresh_from_db()
    assert osteopenic.smoking == "current" and osteopenic.user.first_name == "Margaret"
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)
    assert ReminderDueDate.objects.get(patient=osteopenic).due_on == dt.date(2023, 4, 1)


def test_fracture_record_files_it_under_the_patient_and_moves_the_date(osteopenic):
    clinician = ClinicianFactory()
    fracture = fracture_record(
        patient=osteopenic, fracture=Fracture(site="wrist", occurred_on=dt.date(2020, 5, 1), fragility=True), by=clinician
    )
    assert Fracture.objects.get() == fracture
    assert (fracture.patient, fracture.recorded_by) == (osteopenic, clinician)
    osteopenic.refresh_from_db()
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)  # a fragility fracture is a risk factor


def test_fracture_delete_moves_the_date_back(osteopenic):
    fracture = FractureFactory(patient=osteopenic, occurred_on=dt.date(2020, 5, 1))
    refresh_next_scan_due(osteopenic)
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)
    fracture_delete(fracture=fracture)
    osteopenic.refresh_from_db()
    assert not Fracture.objects.exists()
    assert osteopenic.next_scan_due_on == dt.date(2026, 4, 1)
    assert ReminderDueDate.objects.get(patient=osteopenic).due_on == dt.date(2026, 4, 1)


def _admin_form(patient, **changes) -> dict:
    data = {
        "user": patient.user_id,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "menopausal_status": patient.menopausal_status,
        "body_units": patient.body_units,
        "scan_interval_months": "",
        "fractures-TOTAL_FORMS": "0",
        "fractures-INITIAL_FORMS": "0",
        "fractures-MIN_NUM_FORMS": "0",
        "fractures-MAX_NUM_FORMS": "1000",
        "falls-TOTAL_FORMS": "0",
        "falls-INITIAL_FORMS": "0",
        "falls-MIN_NUM_FORMS": "0",
        "falls-MAX_NUM_FORMS": "1000",
    }
    return data | changes


def test_the_admin_change_form_moves_the_date_and_records_who_set_the_interval(client, osteopenic):
    admin = AdminFactory()
    client.force_login(admin)
    url = reverse("admin:accounts_patientprofile_change", args=[osteopenic.pk])
    fracture = {
        "fractures-TOTAL_FORMS": "1",
        "fractures-0-site": "hip",
        "fractures-0-occurred_on": "2020-05-01",
        "fractures-0-fragility": "on",
        "fractures-0-notes": "",
    }
    assert client.post(url, _admin_form(osteopenic, **fracture)).status_code == 302
    osteopenic.refresh_from_db()
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)  # the fracture added inline counts

    assert client.post(url, _admin_form(osteopenic, scan_interval_months="36")).status_code == 302
    osteopenic.refresh_from_db()
    assert (osteopenic.scan_interval_months, osteopenic.scan_interval_set_by) == (36, admin)
    assert osteopenic.next_scan_due_on == dt.date(2024, 4, 1)
    assert ReminderDueDate.objects.get(patient=osteopenic).due_on == dt.date(2024, 4, 1)
    # On the timeline once, with what it was before the admin saved it.
    event = RecordEvent.objects.get(patient=osteopenic, kind="scan_interval_changed")
    assert (event.actor, event.details["changes"][0]["before"], event.details["changes"][0]["after"]) == (
        admin,
        "the default rule",
        "every 36 months",
    )


def test_the_admin_cannot_type_in_the_derived_next_scan_date(client, osteopenic):
    client.force_login(AdminFactory())
    url = reverse("admin:accounts_patientprofile_change", args=[osteopenic.pk])
    assert client.post(url, _admin_form(osteopenic, next_scan_due_on="2030-01-01")).status_code == 302
    osteopenic.refresh_from_db()
    assert osteopenic.next_scan_due_on == dt.date(2026, 4, 1)
