"""The week view: this week's goals, the day strip, the sessions and the quick-add form."""

import datetime as dt
from itertools import groupby

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.dates import clamp_date
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.timezones import local_today

from ..forms import QuickEntryForm
from ..goals import day_category_rows, day_marks, week_days, week_start, weekly_goals
from ..models import Category, Exercise, SessionEntry


def chosen_week(request: HtmxHttpRequest, patient: PatientProfile, today: dt.date) -> dt.date:
    """The Monday of `?week=YYYY-MM-DD` (any day of it), between the week of birth and this week; this week if invalid."""
    day = clamp_date(request.GET.get("week"), default=today, earliest=patient.date_of_birth, latest=today)
    return week_start(day)


def week_url(patient: PatientProfile, start: dt.date) -> str:
    return f"{reverse('exercise:week', kwargs={'patient_id': patient.pk})}?week={start.isoformat()}"


def week_context(patient: PatientProfile, start: dt.date, today: dt.date, *, form=None, pending=None) -> dict:
    """What `exercise/week.html` shows for the week starting `start` (three queries; two when given a `form`)."""
    first, last = week_days(start)
    rows = day_category_rows(patient, first, last)
    entries = (
        SessionEntry.objects.for_patient(patient)
        .between(first, last)
        .select_related("session", "exercise")
        .order_by("-session__date", "-session_id", "position", "pk")
    )
    sessions = [(session, list(items)) for session, items in groupby(entries, key=lambda entry: entry.session)]
    done: dict[dt.date, set[str]] = {}
    for row in rows:
        done.setdefault(row.date, set()).add(row.category)
    days = [
        {"date": day, "marks": day_marks(done.get(day, ())), "is_today": day == today, "is_future": day > today}
        for day in (first + dt.timedelta(days=n) for n in range(7))
    ]
    if form is None:
        form = QuickEntryForm(
            initial={"date": min(today, last)}, born=patient.date_of_birth, today=today, exercises=list(Exercise.objects.active())
        )
    return {
        "patient": patient,
        "today": today,
        "week_first": first,
        "week_last": last,
        "previous_week": first - dt.timedelta(days=7),
        "next_week": first + dt.timedelta(days=7) if first < week_start(today) else None,
        "is_this_week": first == week_start(today),
        "goals": weekly_goals(rows),
        "days": days,
        "sessions": sessions,
        "form": form,
        "pending": pending,
        "categories": Category,
    }


@require_GET
@patient_view
def week(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """One week (Monday–Sunday, the patient's time zone): goals, sessions and the quick-add form."""
    today = local_today(patient.user)
    context = week_context(patient, chosen_week(request, patient, today), today)
    template = "exercise/week.html#week-body" if wants_partial(request) and not request.htmx.boosted else "exercise/week.html"
    return TemplateResponse(request, template, context)
