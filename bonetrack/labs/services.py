"""Changes to a patient's lab results that are more than a form's save."""

from django.db import transaction

from .models import LabResult

CORRECTABLE_FIELDS = ("test", "taken_on", "value", "entered_value", "entered_unit", "range_low", "range_high", "notes")


@transaction.atomic
def lab_result_update(*, result: LabResult) -> LabResult:
    """Save a corrected result (changed and checked in memory by LabResultForm, which re-derives the value and range).

    Who entered it stays as it was: a patient still may not change a result their care team entered.
    """
    result.save(update_fields=CORRECTABLE_FIELDS)
    return result
