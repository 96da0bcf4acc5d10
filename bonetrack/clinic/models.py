import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

NOTE_MAX_LENGTH = 5000
# Only the author may correct a note, and only this long after writing it; later, a new note says what changed.
NOTE_EDIT_WINDOW = dt.timedelta(hours=24)


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
    # NOTE: set with each NoteRevision, so that lists can say "edited" without reading the revisions.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ClinicalNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-created_at"])]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="clinicalnote_body_not_empty")]

    def __str__(self) -> str:
        return f"Note on {self.patient} by {self.author} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def editable_until(self) -> dt.datetime:
        return self.created_at + NOTE_EDIT_WINDOW

    def edit_refusal(self, user, *, now: dt.datetime | None = None) -> str:
        """Why `user` may not edit this note now, or "" when they may (the author, within NOTE_EDIT_WINDOW)."""
        if user.pk is None or self.author_id != user.pk:
            return "Only the clinician who wrote a note can change it. Add a note of your own instead."
        if (now or timezone.now()) >= self.editable_until:
            hours = int(NOTE_EDIT_WINDOW.total_seconds() // 3600)
            return f"A note can be changed only in the {hours} hours after it was written. Add a new note instead."
        return ""


class NoteRevision(models.Model):
    """The text a note had before an edit: who replaced it, and when. The newest revision holds the previous text."""

    note = models.ForeignKey(ClinicalNote, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=NOTE_MAX_LENGTH)
    edited_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-edited_at", "-pk"]
        indexes = [models.Index(fields=["note", "-edited_at"])]

    def __str__(self) -> str:
        return f"Text of note {self.note_id} before {self.edited_at:%Y-%m-%d %H:%M}"
