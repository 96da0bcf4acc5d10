"""`make bench`: 10 years of scans for the heavy patient, two scans for every other patient; time the DEXA pages;
read synthetic DEXA reports (text PDFs and photos) as the worker does (reading_bench.py)."""

from decimal import Decimal

from django.urls import reverse

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage, BenchResult

from ..history import build_history
from ..models import DexaScan, Facility, ScannerMake, SiteMeasurement, Source
from ..rules import add_months
from ..services import SUMMARY_FIELDS, apply_summaries, next_scan
from .reading_bench import measure_reading

ORDER = 10
SITES = ("lumbar_spine", "total_hip", "femoral_neck", "radius_33")
BASE = dict(zip(SITES, (Decimal("0.820"), Decimal("0.720"), Decimal("0.620"), Decimal("0.640")), strict=True))


def _scans_for(patient, facility, dates, rng) -> list[DexaScan]:
    scans = []
    for day in dates:
        scan = DexaScan(patient=patient, scanned_on=day, facility=facility, make=ScannerMake.HOLOGIC, source=Source.IMPORTED)
        scan.measurement_list = []
        for site in SITES:
            bmd = BASE[site] + Decimal(rng.randint(-60, 60)) / 1000
            t = ((bmd - Decimal("0.950")) / Decimal("0.110")).quantize(Decimal("0.1"))
            scan.measurement_list.append(
                SiteMeasurement(site=site, side="" if site == "lumbar_spine" else "left", bmd=bmd, t_score=t, z_score=t + 1)
            )
        scans.append(scan)
    return scans


def seed(ctx: BenchContext) -> None:
    facility, _ = Facility.objects.get_or_create(name="Bench Imaging Centre", owner=None)
    per_patient = {}
    heavy_dates = [add_months(ctx.today, -6 * k) for k in range(20, 0, -1)]  # every 6 months for 10 years
    per_patient[ctx.patient.pk] = (ctx.patient, _scans_for(ctx.patient, facility, heavy_dates, ctx.rng))
    for patient in ctx.patients:
        if patient.pk not in per_patient:
            dates = [add_months(ctx.today, -ctx.rng.randint(25, 60)), add_months(ctx.today, -ctx.rng.randint(1, 24))]
            per_patient[patient.pk] = (patient, _scans_for(patient, facility, dates, ctx.rng))
    all_scans = [scan for _, scans in per_patient.values() for scan in scans]
    DexaScan.objects.bulk_create(all_scans, batch_size=1000)
    measurements = []
    for scan in all_scans:
        for m in scan.measurement_list:
            m.scan = scan
            measurements.append(m)
    SiteMeasurement.objects.bulk_create(measurements, batch_size=2000)
    profiles = []
    for patient, scans in per_patient.values():
        history = build_history(scans)
        apply_summaries(history, patient, [])
        due = next_scan(history, patient, [])
        patient.next_scan_due_on, patient.next_scan_due_rule = due.due_on, due.rule
        profiles.append(patient)
    DexaScan.objects.bulk_update(all_scans, SUMMARY_FIELDS, batch_size=1000)
    PatientProfile.objects.bulk_update(profiles, ["next_scan_due_on", "next_scan_due_rule"], batch_size=1000)
    ctx.extra["dexa_heavy_scan_id"] = per_patient[ctx.patient.pk][1][-1].pk


def pages(ctx: BenchContext) -> list[BenchPage]:
    pid = ctx.patient.pk
    scan_id = ctx.extra.get("dexa_heavy_scan_id")
    if scan_id is None:
        scan_id = DexaScan.objects.filter(patient=ctx.patient).newest_first().values_list("pk", flat=True).first()
    detail = reverse("dexa:scan-detail", kwargs={"patient_id": pid, "scan_id": scan_id})
    return [
        BenchPage("dashboard (patient)", reverse("dashboard:patient-dashboard", kwargs={"patient_id": pid}), ctx.patient.user,
                  budget={"p50_ms": 30, "queries": 12}),
        BenchPage("dexa scan list (patient)", reverse("dexa:scan-list", kwargs={"patient_id": pid}), ctx.patient.user),
        BenchPage("dexa scan list (clinician)", reverse("dexa:scan-list", kwargs={"patient_id": pid}), ctx.clinician),
        BenchPage("dexa scan detail", detail, ctx.patient.user),
    ]  # fmt: skip


def measure(ctx: BenchContext) -> list[BenchResult]:
    return measure_reading(ctx.patient)
