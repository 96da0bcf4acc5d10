"""Clinician worklist columns for exercise.

- "4-week exercise goal adherence": how many of the 16 weekly R9 goals (4 goals × the last 4 complete
  Monday–Sunday weeks before `today`'s week) were met, counted in SQL per patient.
- "Safety flags": flagged exercises logged in the last 90 days.
"""

import datetime as dt

from django.db.models import Count, DateField, Exists, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from bonetrack.core.worklist import WorklistColumn, WorklistFilter

from .goals import BALANCE_DAYS, BOUT_MINUTES, POSTURE_DAYS, RESISTANCE_DAYS, WEIGHT_BEARING_MINUTES, week_start
from .models import Category, SessionEntry

ADHERENCE_WEEKS = 4
GOALS_PER_WEEK = 4
FLAG_WINDOW_DAYS = 90


class _CountRows(Subquery):
    """COUNT(*) over the rows of a (grouped) correlated subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS exercise_goal_weeks)"
    output_field = IntegerField()


class WeekStart(Func):
    """The Monday of a date's week, computed by the database itself on both backends (Django's TruncWeek is a Python
    function called for every row on SQLite, thousands of times per worklist page)."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # 'weekday 0' moves to the coming Sunday (a Sunday stays), six days back is that week's Monday.
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'weekday 0', '-6 days')", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(date_trunc('week', %(expressions)s) AS date)", **extra_context)


def adherence_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 4 complete weeks before `today`'s week."""
    this_week = week_start(today)
    return this_week - dt.timedelta(weeks=ADHERENCE_WEEKS), this_week - dt.timedelta(days=1)


def goals_met_expression(today: dt.date, outer: str = "pk"):
    first, last = adherence_window(today)
    met = (
        SessionEntry.objects.filter(session__patient=OuterRef(outer), session__date__range=(first, last))
        .annotate(week=WeekStart("session__date"))
        .values("week", "exercise__category")
        .annotate(days=Count("session__date", distinct=True), bouts=Sum("minutes", filter=Q(minutes__gte=BOUT_MINUTES)))
        .filter(
            Q(exercise__category=Category.RESISTANCE, days__gte=RESISTANCE_DAYS)
            | Q(exercise__category=Category.BALANCE, days__gte=BALANCE_DAYS)
            | Q(exercise__category=Category.WEIGHT_BEARING, bouts__gte=WEIGHT_BEARING_MINUTES)
            | Q(exercise__category=Category.POSTURE, days__gte=POSTURE_DAYS)
        )
        .order_by()
    )
    return _CountRows(met)


def _recent_flags(today: dt.date):
    return SessionEntry.objects.filter(
        session__patient=OuterRef("pk"), flagged=True, session__date__gte=today - dt.timedelta(days=FLAG_WINDOW_DAYS)
    )


def annotate(patients, today: dt.date):
    flags = _recent_flags(today).order_by().values("session__patient").annotate(n=Count("pk")).values("n")
    return patients.annotate(
        exercise_goals_met=goals_met_expression(today),
        exercise_flags_90d=Coalesce(Subquery(flags, output_field=IntegerField()), 0),
    )


COLUMNS = [
    WorklistColumn(
        "exercise_goals_met", "4-week exercise goal adherence", order=40, template="exercise/_worklist_adherence.html"
    ),
    WorklistColumn("exercise_flags_90d", "Exercise safety flags (90 days)", order=41, template="exercise/_worklist_flags.html"),
]
FILTERS = [WorklistFilter("flagged", "Exercise safety flag in the last 90 days", lambda today: Q(Exists(_recent_flags(today))))]
