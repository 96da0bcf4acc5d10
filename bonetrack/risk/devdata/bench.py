"""`make bench`: FRAX results for every patient and falls for some, so the worklist's fracture risk column and its
two filters, and the fracture risk page, are timed on a full list."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from bonetrack.accounts.models import Fall
from bonetrack.core.dates import add_months
from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage

from ..models import FraxResult

ORDER = 60  # after the scans (dexa, 10) and the courses (treatment, 50)
WORKLIST_BUDGET = {"p50_ms": 80, "queries": 10}


def _percent(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


def _frax(ctx: BenchContext, patient, months_ago: int) -> FraxResult:
    major = ctx.rng.uniform(4, 36)
    hip = ctx.rng.uniform(0.2, min(major, 7))
    return FraxResult(
        patient=patient,
        assessed_on=add_months(ctx.today, -months_ago),
        major_percent=_percent(major),
        hip_percent=_percent(hip),
        with_bmd=ctx.rng.random() < 0.8,
        recorded_by=ctx.clinician,
    )


def seed(ctx: BenchContext) -> None:
    """Two FRAX results a patient (ten for the heavy one); falls in the past year for one patient in four, and ten
    years of falls for the heavy patient."""
    if not ctx.patients or FraxResult.objects.filter(patient=ctx.patient).exists():
        return
    results, falls = [], []
    for index, patient in enumerate(ctx.patients):
        history = range(0, 120, 12) if patient == ctx.patient else (36, 6)
        results += [_frax(ctx, patient, months) for months in history]
        if index % 4 == 0:
            for _ in range(ctx.rng.randint(1, 3)):
                hurt = ctx.rng.random() < 0.3
                day = ctx.today - dt.timedelta(days=ctx.rng.randint(1, 364))
                falls.append(Fall(patient=patient, occurred_on=day, injury=hurt, recorded_by=ctx.clinician))
    falls += [Fall(patient=ctx.patient, occurred_on=add_months(ctx.today, -6 * n), injury=n % 3 == 0) for n in range(1, 21)]
    FraxResult.objects.bulk_create(results)
    Fall.objects.bulk_create(falls)


def pages(ctx: BenchContext) -> list[BenchPage]:
    worklist = reverse("clinic:worklist")
    result = [
        BenchPage("risk: worklist, very high risk", f"{worklist}?filter=very_high_risk", ctx.clinician, budget=WORKLIST_BUDGET),
        BenchPage(
            "risk: worklist, meets treatment threshold",
            f"{worklist}?filter=treatment_threshold",
            ctx.clinician,
            budget=WORKLIST_BUDGET,
        ),
    ]
    if ctx.patient is not None:
        result.append(
            BenchPage(
                "risk: fracture risk page (clinician)",
                reverse("risk:frax", kwargs={"patient_id": ctx.patient.pk}),
                ctx.clinician,
                budget={"queries": 12},
            )
        )
    return result
