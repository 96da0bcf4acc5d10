"""The clinic's own timeline events: clinician notes and fractures (other apps add theirs the same way)."""

import datetime as dt

from django.urls import reverse

from bonetrack.core.timezones import zone_of
from bonetrack.core.worklist import TimelineEvent

from .models import ClinicalNote

ORDER = 0
KINDS = {"note": "Clinician notes", "fracture": "Fractures"}


def _midnight(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def note_events(patient, *, before: dt.datetime | None, limit: int) -> list[TimelineEvent]:
    notes = ClinicalNote.objects.for_patient(patient).older_than(before).select_related("author", "scan")[:limit]
    return [
        TimelineEvent(
            when=note.created_at,
            kind="note",
            title=f"Note by {note.author.display_name if note.author else 'a former team member'}",
            body=note.body,
            badges=(("Care team only", "muted"),)
            + (((f"About the scan of {note.scan.scanned_on:%d %b %Y}", "info"),) if note.scan else ()),
            url=reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": note.scan_id}) if note.scan_id else "",
            extra={"note_id": note.pk},
        )
        for note in notes
    ]


def fracture_events(patient, *, before: dt.datetime | None, limit: int) -> list[TimelineEvent]:
    zone = zone_of(patient.user)
    fractures = patient.fractures.order_by("-occurred_on", "-pk")
    if before is not None:
        # A fracture is placed at midnight of its date, in the patient's zone.
        local = before.astimezone(zone)
        if local.time() == dt.time.min:
            fractures = fractures.filter(occurred_on__lt=local.date())
        else:
            fractures = fractures.filter(occurred_on__lte=local.date())
    url = reverse("accounts:fracture-list", kwargs={"patient_id": patient.pk})
    return [
        TimelineEvent(
            when=_midnight(fracture.occurred_on, zone),
            kind="fracture",
            title=f"{fracture.get_site_display()} fracture",
            body=fracture.notes,
            badges=(("Fragility fracture", "danger"),) if fracture.fragility else (("High-trauma fracture", "muted"),),
            url=url,
        )
        for fracture in fractures[:limit]
    ]


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """Notes and fractures older than `before`, newest first: one query per kind."""
    events = []
    if "note" in kinds:
        events += note_events(patient, before=before, limit=limit)
    if "fracture" in kinds:
        events += fracture_events(patient, before=before, limit=limit)
    return sorted(events, key=lambda event: event.when, reverse=True)[:limit]
