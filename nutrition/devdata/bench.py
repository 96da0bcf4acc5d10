"""`make bench`: five years of daily logs for the heavy patient; the day view, 90-day trend and search timed."""

import datetime as dt

from django.urls import reverse

from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage

from ..models import CalciumForm, LogItem, Supplement, SupplementKind
from ..reference_data import load
from .sample_days import day_items, foods_by_ndb

ORDER = 30
YEARS = 5
OTHER_PATIENTS = 20
OTHER_DAYS = 14


def seed(ctx: BenchContext) -> None:
    load()  # the full USDA table: search is timed over all 8,789 foods
    foods = foods_by_ndb()
    items = []
    for index, patient in enumerate([ctx.patient, *[p for p in ctx.patients if p.pk != ctx.patient.pk][:OTHER_PATIENTS]]):
        heavy = index == 0
        supplements = Supplement.objects.bulk_create(
            [
                Supplement(
                    patient=patient,
                    kind=SupplementKind.CALCIUM,
                    calcium_form=CalciumForm.CITRATE,
                    amount_per_unit=315,
                    units_per_dose=2,
                ),
                Supplement(patient=patient, kind=SupplementKind.VITAMIN_D3, amount_per_unit=1000),
            ]
        )
        days = YEARS * 365 if heavy else OTHER_DAYS
        for offset in range(days):
            items.extend(day_items(patient, ctx.today - dt.timedelta(days=offset), ctx.rng, foods, supplements))
        if len(items) > 20000:
            LogItem.objects.bulk_create(items, batch_size=5000)
            items = []
    LogItem.objects.bulk_create(items, batch_size=5000)


def pages(ctx: BenchContext) -> list[BenchPage]:
    patient_id = ctx.patient.pk
    day = reverse("nutrition:day", kwargs={"patient_id": patient_id})
    search = reverse("nutrition:food-search", kwargs={"patient_id": patient_id})
    result = [
        BenchPage(
            "nutrition: day view", f"{day}?date={ctx.today.isoformat()}", ctx.patient.user, budget={"p50_ms": 30, "queries": 10}
        ),
        BenchPage(
            "nutrition: 90-day trend",
            reverse("nutrition:trends", kwargs={"patient_id": patient_id}),
            ctx.patient.user,
            budget={"queries": 5},
        ),
    ]
    for query in ("milk", "chee", "spinach raw", "yogurt greek", "salmon canned"):
        result.append(
            BenchPage(f"nutrition: search '{query}'", f"{search}?q={query}", ctx.patient.user, htmx=True, budget={"p95_ms": 30})
        )
    return result
