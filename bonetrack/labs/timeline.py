"""Lab results on the clinician's patient timeline: one event per result, at midnight of the day it was taken."""

import datetime as dt

from django.urls import reverse

from bonetrack.core.dates import local_midnight
from bonetrack.core.timezones import zone_of
from bonetrack.core.worklist import TimelineEvent

from .models import LabResult

KINDS = {"lab": "Labs"}


def _value(result: LabResult) -> str:
    return result.entered_text if result.in_canonical_unit else f"{result.entered_text} ({result.canonical_text})"


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """At most `limit` results older than `before`, newest first, in one query."""
    if "lab" not in kinds:
        return []
    zone = zone_of(patient.user)
    results = LabResult.objects.for_patient(patient).newest_first()
    if before is not None:
        # A result sits at midnight of its date in the patient's zone: strictly older means an earlier date when
        # `before` is itself a midnight, else that date too.
        local = before.astimezone(zone)
        if local.time() == dt.time.min:
            results = results.filter(taken_on__lt=local.date())
        else:
            results = results.filter(taken_on__lte=local.date())
    url = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    events = []
    for result in results[:limit]:
        status = result.interpretation
        badges = [(status.label, status.tone)]
        if result.uses_lab_range:
            badges.append((result.reference_range_text, "muted"))
        events.append(
            TimelineEvent(
                when=local_midnight(result.taken_on, zone),
                kind="lab",
                title=f"{result.get_test_display()}: {_value(result)}",
                body=result.notes,
                badges=tuple(badges),
                url=url,
                extra={"lab_id": result.pk},
            )
        )
    return events
