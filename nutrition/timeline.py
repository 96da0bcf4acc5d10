"""Timeline: one event per month with food logged: average daily calcium and vitamin D against the targets."""

import datetime as dt

from django.db.models import CharField, Count, Max, Q, Sum
from django.db.models.functions import Cast, Substr
from django.urls import reverse

from bonetrack.core.dates import add_months, local_midnight
from bonetrack.core.timezones import local_today, zone_of
from bonetrack.core.worklist import TimelineEvent

from .models import LogItem, Meal
from .summary import fetch_overrides
from .targets import targets_for

KINDS = {"nutrition_month": "Nutrition"}


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """Monthly summaries dated at the month's last logged day (local midnight), newest first, in two queries."""
    if "nutrition_month" not in kinds or limit <= 0:
        return []
    zone = zone_of(patient.user)
    months = (
        LogItem.objects.filter(patient=patient)
        # "YYYY-MM" from the ISO date text: native SQL on SQLite and PostgreSQL (TruncMonth is a Python function
        # per row on SQLite).
        .annotate(month=Substr(Cast("date", CharField()), 1, 7))
        .values("month")
        .annotate(
            last_day=Max("date"),
            days=Count("date", distinct=True),
            calcium=Sum("calcium_mg", filter=Q(high_oxalate=False)),
            vitamin_d=Sum("vitamin_d_iu"),
            supplement_days=Count("date", distinct=True, filter=Q(meal=Meal.SUPPLEMENTS)),
        )
        .order_by("-month")
    )
    cutoff = None
    if before is not None:
        local = before.astimezone(zone)
        cutoff = local.date() if local.time() != dt.time.min else local.date() - dt.timedelta(days=1)
        # Months ending after the cutoff are excluded whole, so their rows need not be read at all.
        months = months.filter(last_day__lte=cutoff, date__lt=add_months(cutoff.replace(day=1), 1))
    # A page needs at most `limit` months: aggregate only the last `limit` calendar months before the cutoff, and
    # look further back only when gaps in logging leave that window short.
    newest = cutoff or local_today(patient.user)
    window_start = add_months(newest.replace(day=1), -(limit - 1))
    rows = list(months.filter(date__gte=window_start)[:limit])
    if len(rows) < limit:
        rows = list(months[:limit])
    overrides = fetch_overrides(patient) if rows else {}
    events = []
    for row in rows:
        month = dt.date.fromisoformat(f"{row['month']}-01")
        targets = targets_for(patient, row["last_day"], overrides)
        calcium = (row["calcium"] or 0) / row["days"]
        vitamin_d = (row["vitamin_d"] or 0) / row["days"]
        ca_target, vd_target = targets["calcium_mg"].value, targets["vitamin_d_iu"].value
        events.append(
            TimelineEvent(
                when=local_midnight(row["last_day"], zone),
                kind="nutrition_month",
                title=f"Nutrition in {month:%B %Y}",
                body=(
                    f"{row['days']} days logged. Average calcium {calcium:.0f} mg a day (target {ca_target:.0f}); "
                    f"vitamin D {vitamin_d:.0f} IU (target {vd_target:.0f}). Supplements ticked on {row['supplement_days']} days."
                ),
                badges=(
                    (
                        "calcium on target" if calcium >= ca_target else "calcium below target",
                        "ok" if calcium >= ca_target else "warning",
                    ),
                ),
                url=reverse("nutrition:trends", kwargs={"patient_id": patient.pk}),
                extra={"month": month, "days": row["days"], "calcium": calcium, "vitamin_d": vitamin_d},
            )
        )
    return events
