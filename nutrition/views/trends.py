"""Averages over 7, 30 and 90 days against the targets, and daily calcium and vitamin D charts."""

import datetime as dt

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.charts import figure_json
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.timezones import local_today

from .. import charts
from ..summary import TREND_NUTRIENTS, daily_rows, fetch_overrides, window_averages
from ..targets import targets_for

TREND_DAYS = 90


@require_GET
@patient_view
def trends(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Averages over 7, 30 and 90 days against the targets, and daily calcium and vitamin D (food + supplements)."""
    today = local_today(patient.user)
    start = max(today - dt.timedelta(days=TREND_DAYS - 1), patient.date_of_birth)
    rows, overrides = daily_rows(patient, start, today)
    if overrides is None:
        overrides = fetch_overrides(patient)
    targets = targets_for(patient, today, overrides)
    days = [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]
    by_day = {row["date"]: row for row in rows}
    series = []
    for day in days:
        day_targets = targets_for(patient, day, overrides)  # R7 follows the age on each day
        series.append(
            {
                "date": day,
                "row": by_day.get(day),
                "calcium_target": day_targets["calcium_mg"].value,
                "vitamin_d_target": day_targets["vitamin_d_iu"].value,
            }
        )
    averages = window_averages(rows, today)
    average_rows = [
        {
            "key": key,
            "label": label,
            "unit": unit,
            "target": targets.get(key),
            "cells": [(w, w.averages[key]) for w in averages],  # each value with its window, labelled on a phone
        }
        for key, label, unit in TREND_NUTRIENTS
    ]
    return TemplateResponse(
        request,
        "nutrition/trends.html",
        {
            "patient": patient,
            "today": today,
            "windows": averages,
            "average_rows": average_rows,
            "series": [s for s in reversed(series) if s["row"]],
            "calcium_figure": figure_json(charts.build_intake_figure(series, "calcium", "Calcium (mg)")),
            "vitamin_d_figure": figure_json(charts.build_intake_figure(series, "vitamin_d", "Vitamin D (IU)")),
        },
    )
