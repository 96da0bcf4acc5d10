"""`make bench`: five years of sessions for the heavy patient, a few weeks for everyone else."""

import datetime as dt

from django.urls import reverse

from bonetrack.core.devdata.benchmarking import BenchPage

from .generate import build_history, exercises_by_slug, save_history

ORDER = 40


def seed(ctx) -> None:
    library = exercises_by_slug()
    yesterday = ctx.today - dt.timedelta(days=1)
    history = build_history(ctx.patient, ctx.today - dt.timedelta(days=5 * 365), yesterday, ctx.rng, library, attendance=0.85)
    for patient in ctx.patients[1:]:
        history += build_history(patient, ctx.today - dt.timedelta(weeks=6), yesterday, ctx.rng, library, attendance=0.4)
    ctx.extra["exercise_entries"] = save_history(history)


def pages(ctx) -> list[BenchPage]:
    kwargs = {"patient_id": ctx.patient.pk}
    return [
        BenchPage("exercise: week view", reverse("exercise:week", kwargs=kwargs), ctx.patient.user, budget={"queries": 8}),
        BenchPage(
            "exercise: week view (a past week)",
            reverse("exercise:week", kwargs=kwargs) + f"?week={(ctx.today - dt.timedelta(days=400)).isoformat()}",
            ctx.patient.user,
            budget={"queries": 8},
        ),
        BenchPage("exercise: 12-week chart", reverse("exercise:history", kwargs=kwargs), ctx.patient.user, budget={"queries": 4}),
        BenchPage(
            "exercise: week view (clinician)", reverse("exercise:week", kwargs=kwargs), ctx.clinician, budget={"queries": 8}
        ),
    ]
