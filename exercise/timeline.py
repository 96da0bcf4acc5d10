"""Exercise on the clinician's patient timeline: a summary per month, and every flagged exercise."""

import datetime as dt

from django.db.models import CharField, Count, Max, Q, Sum
from django.db.models.functions import Cast, Substr
from django.urls import reverse

from bonetrack.core.dates import add_months, local_midnight
from bonetrack.core.timezones import zone_of
from bonetrack.core.worklist import TimelineEvent

from .goals import BOUT_MINUTES
from .models import Category, SessionEntry

KINDS = {"exercise": "Exercise (monthly)", "exercise_flag": "Exercise safety flags"}


def _last_day_before(before: dt.datetime | None, zone) -> dt.date | None:
    """The latest local date whose midnight is strictly before `before`."""
    if before is None:
        return None
    local = before.astimezone(zone)
    return local.date() if local.time() > dt.time.min else local.date() - dt.timedelta(days=1)


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """At most `limit` events older than `before`, newest first (one query per kind)."""
    zone = zone_of(patient.user)
    last_day = _last_day_before(before, zone)
    week_url = reverse("exercise:week", kwargs={"patient_id": patient.pk})
    events: list[TimelineEvent] = []
    if "exercise" in kinds:
        months = (
            SessionEntry.objects.for_patient(patient)
            # "YYYY-MM" from the ISO date text: native SQL on both databases (TruncMonth is a Python function per row
            # on SQLite).
            .annotate(month=Substr(Cast("session__date", CharField()), 1, 7))
            .values("month")
            .annotate(
                last=Max("session__date"),
                sessions=Count("session", distinct=True),
                days=Count("session__date", distinct=True),
                resistance_days=Count("session__date", distinct=True, filter=Q(exercise__category=Category.RESISTANCE)),
                bouts=Sum("minutes", filter=Q(exercise__category=Category.WEIGHT_BEARING, minutes__gte=BOUT_MINUTES)),
                flags=Count("pk", filter=Q(flagged=True)),
            )
            .order_by("-month")
        )
        if last_day is not None:
            # Months ending after the cutoff are excluded whole, so their rows need not be read.
            months = months.filter(last__lte=last_day, session__date__lt=add_months(last_day.replace(day=1), 1))
        for row in months[:limit]:
            month = dt.date.fromisoformat(f"{row['month']}-01")
            flags = row["flags"]
            badges = ((f"{flags} safety flag{'s' if flags != 1 else ''}", "danger"),) if flags else ()
            events.append(
                TimelineEvent(
                    when=local_midnight(row["last"], zone),
                    kind="exercise",
                    title=f"Exercise in {month:%B %Y}",
                    body=(
                        f"{row['sessions']} session{'s' if row['sessions'] != 1 else ''} on {row['days']} days; "
                        f"resistance on {row['resistance_days']} days; {row['bouts'] or 0} weight-bearing minutes "
                        f"in bouts of {BOUT_MINUTES}+ minutes."
                    ),
                    badges=badges,
                    url=f"{week_url}?week={row['last'].isoformat()}",
                )
            )
    if "exercise_flag" in kinds:
        flagged = (
            SessionEntry.objects.for_patient(patient)
            .flagged()
            .select_related("session", "exercise", "flag_confirmed_by")
            .order_by("-session__date", "-pk")
        )
        if last_day is not None:
            flagged = flagged.filter(session__date__lte=last_day)
        for entry in flagged[:limit]:
            who = entry.flag_confirmed_by.display_name if entry.flag_confirmed_by else "unknown"
            events.append(
                TimelineEvent(
                    when=local_midnight(entry.session.date, zone),
                    kind="exercise_flag",
                    title=f"Flagged exercise logged: {entry.exercise.name}",
                    body=" ".join(entry.flag_reasons) + f" Confirmed by {who}.",
                    badges=(("Safety flag", "danger"),),
                    url=f"{week_url}?week={entry.session.date.isoformat()}",
                    extra={"entry_id": entry.pk, "safer_alternative": entry.exercise.safer_alternative},
                )
            )
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:limit]
