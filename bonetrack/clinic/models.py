from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

NOTE_MAX_LENGTH = 5000


class ClinicalNoteQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "ClinicalNoteQuerySet":
        return self.filter(patient=patient)

    def older_than(self, moment) -> "ClinicalNoteQuerySet":
        """Notes written strictly before `moment` (all of them when it is None)."""
        return self if moment is None else self.filter(created_at__lt=moment)


class ClinicalNote(models.Model):
    """A note by the care team on a patient's record, read by the care team (not shown to the patient)."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="clinical_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=NOTE_MAX_LENGTH)
    scan = models.ForeignKey(
        "dexa.DexaScan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinical_notes",
        help_text="The scan this note is about, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ClinicalNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-created_at"])]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="clinicalnote_body_not_empty")]

    def __str__(self) -> str:
        return f"Note on {self.patient} by {self.author} at {self.created_at:%Y-%m-%d %H:%M}"
