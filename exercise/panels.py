"""Dashboard panel: this week's exercise goals (two queries)."""

import datetime as dt

from django.urls import reverse

from .goals import goals_for_week, week_start
from .models import SessionEntry

FLAG_WINDOW_DAYS = 90


def dashboard_panel(request, patient, today: dt.date) -> dict:
    start = week_start(today)
    goals = goals_for_week(patient, start)
    recent_flags = (
        SessionEntry.objects.for_patient(patient)
        .flagged()
        .filter(session__date__gte=today - dt.timedelta(days=FLAG_WINDOW_DAYS))
        .count()
    )
    return {
        "template": "exercise/_dashboard_panel.html",
        "goals": goals,
        "met": sum(goal.met for goal in goals),
        "week_first": start,
        "recent_flags": recent_flags,
        "flag_window_days": FLAG_WINDOW_DAYS,
        "week_url": reverse("exercise:week", kwargs={"patient_id": patient.pk}),
        "flags_url": reverse("exercise:flag-list", kwargs={"patient_id": patient.pk}),
    }
