"""The clinic's own timeline events: clinician notes, fractures and osteoporosis medication courses (other apps add
theirs the same way)."""

import datetime as dt

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse

from bonetrack.core.date_display import format_day
from bonetrack.core.dates import local_midnight
from bonetrack.core.timezones import zone_of
from bonetrack.core.worklist import TimelineEvent
from bonetrack.treatment.models import Course

from .models import ClinicalNote, NoteRevision

KINDS = {"note": "Clinician notes", "fracture": "Fractures", "medication": "Medication"}


def note_events(patient, *, before: dt.datetime | None, limit: int) -> list[TimelineEvent]:
    notes = list(ClinicalNote.objects.for_patient(patient).older_than(before).select_related("author", "scan")[:limit])
    # The earlier texts of edited notes only: one more query when the page shows an edited note, none otherwise.
    edited = [note for note in notes if note.edited_at]
    prefetch_related_objects(edited, Prefetch("revisions", queryset=NoteRevision.objects.select_related("edited_by")))
    return [
        TimelineEvent(
            when=note.created_at,
            kind="note",
            title=f"Note by {note.author.display_name if note.author else 'a former team member'}",
            body=note.body,
            badges=(("Care team only", "muted"),)
            + ((("Edited", "muted"),) if note.edited_at else ())
            + (((f"About the scan of {format_day(note.scan.scanned_on)}", "info"),) if note.scan else ()),
            url=reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": note.scan_id}) if note.scan_id else "",
            extra={"note_id": note.pk, "note": note, "revisions": list(note.revisions.all()) if note.edited_at else []},
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
    url = reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})
    return [
        TimelineEvent(
            when=local_midnight(fracture.occurred_on, zone),
            kind="fracture",
            title=f"{fracture.get_site_display()} fracture",
            body=fracture.notes,
            badges=(("Fragility fracture", "danger"),) if fracture.fragility else (("High-trauma fracture", "muted"),),
            url=url,
        )
        for fracture in fractures[:limit]
    ]


def medication_events(patient, *, before: dt.datetime | None, limit: int) -> list[TimelineEvent]:
    """Each course's start and stop (with the reason) older than `before`, newest first, in one query.

    A patient has a handful of courses, so all that started before `before` are read and their events sorted here.
    """
    zone = zone_of(patient.user)
    courses = Course.objects.for_patient(patient).select_related("regimen__drug")
    if before is not None:
        courses = courses.filter(started_on__lte=before.astimezone(zone).date())
    url = reverse("medications:course-list", kwargs={"patient_id": patient.pk})
    events = []
    for course in courses:
        events.append(
            TimelineEvent(
                when=local_midnight(course.started_on, zone),
                kind="medication",
                title=f"Started {course.regimen}",
                body=f"Prescribed by {course.prescriber}" if course.prescriber else "",
                badges=(("On treatment", "info"),) if course.is_current else (),
                url=url,
            )
        )
        if course.ended_on:
            events.append(
                TimelineEvent(
                    when=local_midnight(course.ended_on, zone),
                    kind="medication",
                    title=f"Stopped {course.drug.name}: {course.get_stop_reason_display().lower()}",
                    badges=(("Stopped", "muted"),),
                    url=url,
                )
            )
    if before is not None:
        events = [event for event in events if event.when < before]
    return sorted(events, key=lambda event: event.when, reverse=True)[:limit]


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """Notes, fractures and medication courses older than `before`, newest first: one query per kind."""
    events = []
    if "note" in kinds:
        events += note_events(patient, before=before, limit=limit)
    if "fracture" in kinds:
        events += fracture_events(patient, before=before, limit=limit)
    if "medication" in kinds and limit > 0:
        events += medication_events(patient, before=before, limit=limit)
    return sorted(events, key=lambda event: event.when, reverse=True)[:limit]
