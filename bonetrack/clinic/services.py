"""Changes to clinical notes that touch more than the note: its earlier text and the patient's record events."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from bonetrack.accounts.models import User
from bonetrack.audit.events import record_event
from bonetrack.core.timezones import zone_of

from .models import ClinicalNote, NoteRevision


@transaction.atomic
def note_edit(*, note: ClinicalNote, body: str, by: User) -> bool:
    """Replace the note's text, keeping the earlier text as a NoteRevision; False when the text is the same.

    Refused (PermissionDenied with the reason) unless `by` wrote the note and NOTE_EDIT_WINDOW has not passed.
    """
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    now = timezone.now()
    refusal = note.edit_refusal(by, now=now)
    if refusal:
        raise PermissionDenied(refusal)
    if body == note.body:
        return False
    NoteRevision.objects.create(note=note, body=note.body, edited_at=now, edited_by=by)
    note.body, note.edited_at = body, now
    note.save(update_fields=["body", "edited_at"])
    patient = note.patient
    written = note.created_at.astimezone(zone_of(patient.user))
    record_event(
        patient,
        "note_edited",
        by=by,
        summary=f"Clinical note of {written:%-d %b %Y} edited",
        details={"note_id": note.pk},
        at=now,
    )
    return True
