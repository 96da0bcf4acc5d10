"""The one query a progress report starts with: a fingerprint of everything the report reads in its window (the cache
key holds it, so an edit anywhere in the window gives a new key), and the latest 25(OH)D, which is all the report shows
of the labs. Compiled once per process, run with the patient and window swapped in."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import CharField, Count, Func, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Length, Replace

from bonetrack.accounts.models import Fall, Fracture, PatientProfile
from bonetrack.labs import rules as lab_rules
from bonetrack.labs.models import LabResult
from bonetrack.treatment.models import TAKEN_STATUSES, Course, Dose
from exercise.models import SessionEntry
from nutrition.models import LogItem, NutrientTargetOverride

if TYPE_CHECKING:
    from .report import Window

TEXT = CharField()


def latest_vitamin_d_expressions(patient_ref, end: dt.date) -> dict:
    """The latest 25(OH)D on or before `end` (value and day), as scalar subqueries for the window's inputs query."""
    latest = LabResult.objects.filter(patient=patient_ref, test=lab_rules.VITAMIN_D, taken_on__lte=end).order_by(
        "-taken_on", "-pk"
    )
    return {
        "vitamin_d_value": Subquery(latest.values("value")[:1]),
        "vitamin_d_taken_on": Subquery(latest.values("taken_on")[:1]),
    }


def _day_number(field_name: str):
    """A date as the integer YYYYMMDD in SQL, so that moving a row to another day changes a sum."""
    return Cast(Replace(Cast(field_name, TEXT), Value("-"), Value("")), IntegerField())


class Joined(Func):
    """Text values joined with "|" by SQL's || operator (flat, unlike nested CONCATs; SQLite and PostgreSQL alike)."""

    template = "(%(expressions)s)"
    arg_joiner = " || '|' || "
    output_field = TEXT


def _signature(queryset, group: str, *parts):
    """One text value summarising `queryset` (counts, sums, latest ids), as a scalar subquery."""
    text = Joined(*(Coalesce(Cast(part, TEXT), Value("")) for part in parts))
    return Subquery(queryset.order_by().values(group).annotate(sig=text).values("sig")[:1], output_field=TEXT)


def inputs_queryset(patient_id: int, start: dt.date, end: dt.date):
    """Everything the report reads in [start, end], summarised in one row, and the latest 25(OH)D the report shows.

    NOTE: log items are never moved to another day (a copy is a new row), so their ids and sums show every change;
    doses, falls and fractures may be re-dated, so their day numbers are summed as well. The latest 25(OH)D is read
    whole: it is all the report shows of the labs.
    """
    pk = OuterRef("pk")
    log = LogItem.objects.filter(patient=pk, date__range=(start, end))
    doses = Dose.objects.filter(course__patient=pk, on__range=(start, end), status__in=TAKEN_STATUSES)
    courses = Course.objects.filter(patient=pk)
    entries = SessionEntry.objects.filter(session__patient=pk, session__date__range=(start, end))
    falls = Fall.objects.filter(patient=pk)
    fractures = Fracture.objects.filter(patient=pk)
    overrides = NutrientTargetOverride.objects.filter(patient=pk)
    flag = IntegerField()
    signatures = {
        "log": _signature(
            log,
            "patient",
            Count("pk"),
            Max("pk"),
            Sum("pk"),
            Sum("calcium_mg"),
            Sum("vitamin_d_iu"),
            Sum("pk", filter=Q(high_oxalate=True)),
            Sum("pk", filter=Q(meal="supplements")),
        ),
        "doses": _signature(doses, "course__patient", Count("pk"), Sum("pk"), Sum(_day_number("on"))),
        "courses": _signature(courses, "patient", Count("pk"), Sum("pk"), Max("updated_at")),
        "entries": _signature(
            entries,
            "session__patient",
            Count("pk"),
            Sum("pk"),
            Sum("minutes"),
            Sum("exercise_id"),
            Sum(_day_number("session__date")),
        ),
        "falls": _signature(
            falls,
            "patient",
            Count("pk"),
            Sum("pk"),
            Sum(_day_number("occurred_on")),
            Sum(Cast("injury", flag) + 2 * Cast("fracture", flag)),
        ),
        "fractures": _signature(
            fractures,
            "patient",
            Count("pk"),
            Sum("pk"),
            Sum(_day_number("occurred_on")),
            Sum(Cast("fragility", flag)),
            Sum(Length("site")),
        ),
        "overrides": _signature(overrides, "patient", Count("pk"), Sum("pk"), Sum("value")),
    }
    annotations = {f"sig_{name}": expression for name, expression in signatures.items()}
    annotations |= latest_vitamin_d_expressions(pk, end)
    return PatientProfile.objects.filter(pk=patient_id).annotate(**annotations).values(*annotations)


# Placeholders the inputs query is compiled with, swapped for the real patient and window at run time.
_PATIENT, _START, _END = -918_273_646, dt.date(1900, 1, 3), dt.date(1900, 1, 4)


@functools.cache
def _inputs_sql(vendor: str) -> tuple[str, tuple]:
    # NOTE: compiling this query of ~40 aggregates takes several times longer than running it, so it is compiled
    # once per process and run with the patient and dates swapped in (as nutrition.summary does for a day's meals).
    return inputs_queryset(_PATIENT, _START, _END).query.sql_with_params()


def window_inputs(patient: PatientProfile, window: Window) -> dict:
    """`inputs_queryset` for the patient and window: one query."""
    sql, params = _inputs_sql(connection.vendor)
    # SQLite's compiler has already turned the dates into text; PostgreSQL's keeps dates.
    swap = {
        _PATIENT: patient.pk,
        _START: window.start,
        _END: window.end,
        _START.isoformat(): window.start.isoformat(),
        _END.isoformat(): window.end.isoformat(),
    }
    params = [swap.get(param, param) if isinstance(param, (int, str, dt.date)) else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))
