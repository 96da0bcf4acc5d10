"""The parts working together: DEXA results feed exercise safety and the scan due date follows clinical changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dexa.services import refresh_next_scan_due
from exercise.library import load_library
from exercise.models import Exercise
from exercise.safety import bone_status_for
from tests.dexa.factories import make_scan
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercises():
    load_library()
    return {
        "flexion": Exercise.objects.filter(spinal_flexion_or_twist=True, impact__in=("none", "low")).first(),
        "walk": Exercise.objects.filter(impact="low", spinal_flexion_or_twist=False).first(),
    }


def scan(patient, day, sites):
    """A scan saved as the DEXA services save one: summaries and the due date recomputed."""
    make_scan(patient, day, sites)
    refresh_next_scan_due(patient)
    patient.refresh_from_db()


def test_exercise_safety_reads_the_latest_dexa_scan(exercises):
    patient = PatientFactory()
    scan(patient, dt.date(2023, 3, 1), {"lumbar_spine": ("0.760", "-2.5"), "femoral_neck": ("0.640", "-2.1")})
    status = bone_status_for(patient)
    assert status.lowest_t == Decimal("-2.5")
    assert status.reasons_for(exercises["flexion"])
    assert not status.reasons_for(exercises["walk"])

    # A later scan above the osteoporosis range lifts the flag (no fractures recorded).
    scan(patient, dt.date(2025, 3, 1), {"lumbar_spine": ("0.790", "-2.4"), "femoral_neck": ("0.660", "-1.9")})
    status = bone_status_for(patient)
    assert status.lowest_t == Decimal("-2.4")
    assert not status.reasons_for(exercises["flexion"])


def test_the_care_teams_interval_moves_the_next_scan_due_date(client, clinician, patient):
    scan(patient, dt.date(2024, 6, 1), {"lumbar_spine": ("1.050", "-0.4"), "total_hip": ("0.950", "-0.6")})
    assert patient.next_scan_due_on is None  # normal: none scheduled by default (R5)

    client.force_login(clinician)
    url = reverse("clinic:scan-interval", kwargs={"patient_id": patient.pk})
    assert client.post(url, {"scan_interval_months": 24}).status_code == 302
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2026, 6, 1)


def test_recording_a_fragility_fracture_brings_the_next_scan_forward(patient_client, patient):
    scan(patient, dt.date(2024, 6, 1), {"lumbar_spine": ("0.900", "-1.6"), "total_hip": ("0.800", "-1.4")})
    assert patient.next_scan_due_on == dt.date(2029, 6, 1)  # osteopenia otherwise: 5 years

    url = reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})
    response = patient_client.post(url, {"site": "wrist", "occurred_on": "2025-01-10", "fragility": "on"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2026, 6, 1)  # a prior fragility fracture is a risk factor: 2 years
