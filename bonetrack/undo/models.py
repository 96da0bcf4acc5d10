"""The recycle bin. A deleted row leaves its live table and waits here, serialised, until it is put back or purged.

Because the live tables never hold deleted rows, no total, report, export, chart or raw-SQL query can count one.
"""

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile

# How long a deletion can be undone; the purge task removes it from the bin after that.
UNDO_WINDOW = dt.timedelta(hours=24)


class SnapshotEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps only milliseconds of a time; a snapshot keeps every microsecond, so a row comes back
    exactly as it was."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class DeletedItemQuerySet(models.QuerySet):
    def for_patient(self, patient: PatientProfile) -> "DeletedItemQuerySet":
        return self.filter(patient=patient)

    def labelled(self, *labels: str) -> "DeletedItemQuerySet":
        return self.filter(label__in=labels)

    def expired(self, now: dt.datetime | None = None) -> "DeletedItemQuerySet":
        """Deleted more than `UNDO_WINDOW` ago (put back or not): what the purge removes."""
        return self.filter(deleted_at__lt=(now or timezone.now()) - UNDO_WINDOW)


class DeletedItem(models.Model):
    """One deleted row of a patient's record (and the rows that went with it), as it was when deleted."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="deleted_items")
    label = models.CharField(max_length=100, help_text='The model of the deleted row, e.g. "nutrition.logitem".')
    original_pk = models.BigIntegerField()
    snapshot = models.JSONField(
        encoder=SnapshotEncoder,
        help_text="django.core.serializers 'python' format: the row first, then the rows deleted with it.",
    )
    description = models.CharField(max_length=300)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    restored_at = models.DateTimeField(null=True, blank=True)

    objects = DeletedItemQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        indexes = [models.Index(fields=["patient", "label"])]

    def __str__(self) -> str:
        return f"Deleted: {self.description}"

    def undo_ends_at(self) -> dt.datetime:
        return self.deleted_at + UNDO_WINDOW

    def can_undo(self, now: dt.datetime | None = None) -> bool:
        """Not put back yet, and still inside the window."""
        return self.restored_at is None and (now or timezone.now()) < self.undo_ends_at()
