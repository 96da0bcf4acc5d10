"""Recording and removing FRAX results (R14)."""

from django.db import transaction

from bonetrack.accounts.models import PatientProfile, User

from .models import FraxResult


@transaction.atomic
def frax_record(*, patient: PatientProfile, result: FraxResult, by: User) -> FraxResult:
    """Add a FRAX result (read from the official calculator) to the patient's record."""
    result.patient, result.recorded_by = patient, by
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def frax_delete(*, result: FraxResult) -> None:
    """Remove a FRAX result from the patient's record."""
    result.delete()
