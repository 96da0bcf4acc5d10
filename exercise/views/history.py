"""Charts over time: 12 weeks of goals, and the load progression of a resistance exercise."""

import datetime as dt

from django.db.models import F, Max, Sum
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.charts import figure_json
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.timezones import local_today

from ..charts import build_days_figure, build_load_progression_figure, build_weight_bearing_figure
from ..goals import day_category_rows, week_start, weekly_history
from ..models import Category, SessionEntry

HISTORY_WEEKS = 12


@require_GET
@patient_view
def history(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The last 12 weeks against the R9 goals (one aggregation query)."""
    today = local_today(patient.user)
    this_week = week_start(today)
    starts = [this_week - dt.timedelta(weeks=n) for n in range(HISTORY_WEEKS - 1, -1, -1)]
    rows = day_category_rows(patient, starts[0], this_week + dt.timedelta(days=6))
    weeks = weekly_history(rows, starts)
    table = [
        {"start": start, "goals": goals, "met": sum(goal.met for goal in goals), "is_current": start == this_week}
        for start, goals in weeks
    ]
    return TemplateResponse(
        request,
        "exercise/history.html",
        {
            "patient": patient,
            "today": today,
            "weeks": list(reversed(table)),
            "minutes_figure": figure_json(build_weight_bearing_figure(weeks)),
            "days_figure": figure_json(build_days_figure(weeks)),
        },
    )


@require_GET
@patient_view
def progression(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Heaviest load per session for one resistance exercise the patient has logged with a load."""
    loaded = SessionEntry.objects.for_patient(patient).filter(exercise__category=Category.RESISTANCE, load__isnull=False)
    options = list(
        loaded.values("exercise_id", "exercise__name").annotate(last=Max("session__date")).order_by("-last", "exercise__name")
    )
    chosen = None
    wanted = request.GET.get("exercise", "")
    for option in options:
        if str(option["exercise_id"]) == wanted:
            chosen = option
    if chosen is None and options:
        chosen = options[0]
    rows, figure = [], None
    if chosen is not None:
        load_kg = SessionEntry.objects.load_kg_expression()
        rows = list(
            loaded.filter(exercise_id=chosen["exercise_id"])
            .values(date=F("session__date"))
            .annotate(max_load_kg=Max(load_kg), volume_kg=Sum(F("sets") * F("reps") * load_kg))
            .order_by("date")
        )
        figure = figure_json(build_load_progression_figure(rows)) if rows else None
    return TemplateResponse(
        request,
        "exercise/progression.html",
        {"patient": patient, "options": options, "chosen": chosen, "rows": list(reversed(rows)), "figure": figure},
    )
