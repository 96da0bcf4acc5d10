"""Changes to the patient's own details. Each may move the next scan date, so each ends with the DEXA app's
`refresh_next_scan_due` (which in turn tells the reminders when the date moves)."""

from django.db import transaction

from bonetrack.accounts.models import Fall, Fracture, PatientProfile, User
from dexa.services import refresh_next_scan_due


@transaction.atomic
def profile_update(*, patient: PatientProfile, user: User) -> None:
    """Save the patient's details (changed in memory, e.g. by a form with commit=False).

    The profile form shows the time zone: saving it confirms the zone (the first-run checklist's step).
    """
    user.time_zone_confirmed = True
    user.save()
    patient.save()
    # Age, sex and menopausal status decide the scan categories (R1, R2), hence the next scan date (R5).
    refresh_next_scan_due(patient)


RISK_FACTOR_FIELDS = ("smoking", "alcohol_units_per_week", "glucocorticoids", "rheumatoid_arthritis", "parental_hip_fracture")


@transaction.atomic
def risk_factors_update(*, patient: PatientProfile) -> None:
    """Save R15's answers (changed in memory, e.g. by a form with commit=False)."""
    patient.save(update_fields=RISK_FACTOR_FIELDS)
    # They are R5's clinical risk factors: the next scan date may move.
    refresh_next_scan_due(patient)


@transaction.atomic
def fall_record(*, patient: PatientProfile, fall: Fall, by: User) -> Fall:
    """Add a fall to the patient's falls log (R15)."""
    fall.patient, fall.recorded_by = patient, by
    fall.save()
    # NOTE: falls are not among R5's risk factors, so the next scan date stays; R14 reads the log when shown.
    return fall


@transaction.atomic
def fall_delete(*, fall: Fall) -> None:
    """Remove a fall from the patient's falls log."""
    fall.delete()


@transaction.atomic
def fracture_record(*, patient: PatientProfile, fracture: Fracture, by: User) -> Fracture:
    """Add a fracture to the patient's history."""
    fracture.patient, fracture.recorded_by = patient, by
    fracture.save()
    # A fragility fracture changes the category (R1) and the interval (R5).
    refresh_next_scan_due(patient)
    return fracture


@transaction.atomic
def fracture_update(*, fracture: Fracture) -> Fracture:
    """Save a corrected fracture (changed in memory, e.g. by a form with commit=False); who recorded it stays."""
    fracture.save(update_fields=["site", "occurred_on", "fragility", "on_glucocorticoids", "notes"])
    # A fragility fracture, or its date, may change the category (R1) and the interval (R5), as when recorded.
    refresh_next_scan_due(fracture.patient)
    return fracture


@transaction.atomic
def fracture_delete(*, fracture: Fracture) -> None:
    """Remove a fracture from the patient's history."""
    patient = fracture.patient
    fracture.delete()
    refresh_next_scan_due(patient)
