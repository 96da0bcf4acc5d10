"""Changes to the patient's own details. Each may move the next scan date, so each ends with the DEXA app's
`refresh_next_scan_due` (which in turn tells the reminders when the date moves)."""

from django.db import transaction

from bonetrack.accounts.models import Fracture, PatientProfile, User
from dexa.services import refresh_next_scan_due


@transaction.atomic
def profile_update(*, patient: PatientProfile, user: User) -> None:
    """Save the patient's details and risk factors (changed in memory, e.g. by a form with commit=False)."""
    user.save()
    patient.save()
    # Risk factors move the next scan date (R5).
    refresh_next_scan_due(patient)


@transaction.atomic
def fracture_record(*, patient: PatientProfile, fracture: Fracture, by: User) -> Fracture:
    """Add a fracture to the patient's history."""
    fracture.patient, fracture.recorded_by = patient, by
    fracture.save()
    # A fragility fracture changes the category (R1) and the interval (R5).
    refresh_next_scan_due(patient)
    return fracture


@transaction.atomic
def fracture_delete(*, fracture: Fracture) -> None:
    """Remove a fracture from the patient's history."""
    patient = fracture.patient
    fracture.delete()
    refresh_next_scan_due(patient)
