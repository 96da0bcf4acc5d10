"""FRAX results and falls on the patient timeline, and the R14 flags above it (contract: bonetrack/core/worklist.py).

Both are date-only facts, so each sits at midnight of its day in the patient's zone.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import BooleanField, CharField, DecimalField, F, Value
from django.db.models.functions import Cast
from django.urls import reverse

from bonetrack.accounts.models import Fall
from bonetrack.core.dates import local_midnight
from bonetrack.core.timezones import local_today, zone_of
from bonetrack.core.worklist import TimelineEvent

from . import rules
from .assessment import TENTH, assess
from .models import FraxResult

KINDS = {"frax": "FRAX results", "fall": "Falls"}


def _older_than(queryset, field: str, before: dt.datetime | None, zone):
    """Rows whose day's local midnight is strictly older than `before`."""
    if before is None:
        return queryset
    local = before.astimezone(zone)
    lookup = "lt" if local.timetz().replace(tzinfo=None) == dt.time.min else "lte"
    return queryset.filter(**{f"{field}__{lookup}": local.date()})


def _rows(queryset, kind: str, *, day: str, major=None, hip=None, first_flag: str, second_flag=None, notes=None):
    """One part of the UNION: (kind, day, id, major %, hip %, with BMD or injury, fracture, notes)."""
    number = Cast(Value(None), DecimalField(max_digits=4, decimal_places=1))  # typed, for PostgreSQL's UNION
    return (
        queryset.order_by()
        .annotate(
            event_kind=Value(kind, output_field=CharField()),
            event_day=F(day),
            event_id=F("pk"),
            event_major=F(major) if major else number,
            event_hip=F(hip) if hip else number,
            event_flag=F(first_flag),
            event_fracture=F(second_flag) if second_flag else Value(False, output_field=BooleanField()),
            event_notes=F(notes) if notes else Value("", output_field=CharField()),
        )
        .values_list(
            "event_kind", "event_day", "event_id", "event_major", "event_hip", "event_flag", "event_fracture", "event_notes"
        )
    )


def _frax_event(patient, zone, day, pk, major, hip, with_bmd) -> TimelineEvent:
    major, hip = Decimal(str(major)).quantize(TENTH), Decimal(str(hip)).quantize(TENTH)
    badges = [("with BMD" if with_bmd else "without BMD", "muted")]
    if major > rules.VERY_HIGH_MAJOR or hip > rules.VERY_HIGH_HIP:
        badges.insert(0, ("Very high (AACE)", "danger"))
    return TimelineEvent(
        when=local_midnight(day, zone),
        kind="frax",
        title=f"FRAX: major {rules.percent(major)}, hip {rules.percent(hip)}",
        badges=tuple(badges),
        url=reverse("risk:frax", kwargs={"patient_id": patient.pk}),
        extra={"frax_id": pk},
    )


def _fall_event(zone, day, pk, injury, fracture, notes) -> TimelineEvent:
    if fracture:
        title, badges = "Fall: broke a bone", (("Fracture", "danger"),)
    elif injury:
        title, badges = "Fall with injury", (("Injury", "warning"),)
    else:
        title, badges = "Fall", ()
    return TimelineEvent(
        when=local_midnight(day, zone), kind="fall", title=title, body=notes, badges=badges, extra={"fall_id": pk}
    )


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """FRAX results and falls strictly older than `before`, newest first, at most `limit`, in one query."""
    if limit <= 0 or not kinds & set(KINDS):
        return []
    zone = zone_of(patient.user)
    parts = []
    if "frax" in kinds:
        results = _older_than(FraxResult.objects.filter(patient=patient), "assessed_on", before, zone)
        parts.append(_rows(results, "frax", day="assessed_on", major="major_percent", hip="hip_percent", first_flag="with_bmd"))
    if "fall" in kinds:
        falls = _older_than(Fall.objects.filter(patient=patient), "occurred_on", before, zone)
        parts.append(_rows(falls, "fall", day="occurred_on", first_flag="injury", second_flag="fracture", notes="notes"))
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    events = []
    for kind, day, pk, major, hip, flag, fracture, notes in rows.order_by("-event_day", "-event_id")[:limit]:
        if kind == "frax":
            events.append(_frax_event(patient, zone, day, pk, major, hip, flag))
        else:
            events.append(_fall_event(zone, day, pk, flag, fracture, notes))
    return events


def timeline_header(request, patient) -> dict | None:
    """The R14 flags with every reason, and the latest FRAX result (None when there is neither)."""
    assessment = assess(patient, local_today(patient.user))
    if not assessment.flagged and assessment.frax is None:
        return None
    return {
        "template": "risk/_timeline_header.html",
        "assessment": assessment,
        "url": reverse("risk:frax", kwargs={"patient_id": patient.pk}),
    }
