"""Demo scans: Margaret moves from the osteoporosis range into osteopenia on treatment over 8 years (one make), with
a treatment goal of above −2.0 set by her clinician;
Robert changes scanner make; Helen has a self-reported scan waiting for verification; Anna is overdue for her
next scan (osteopenia with a T-score ≤ −2.0: every 2 years, last scanned 26 months ago). Idempotent."""

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from ..models import DexaScan, Facility, ScannerMake, ScanRevision, SiteMeasurement, Source
from ..rules import add_months
from ..services import refresh_next_scan_due

ORDER = 10

# (years before the last scan, spine, total hip, femoral neck), each site as (BMD, T, Z).
MARGARET = [
    (8, ("0.790", "-2.9", "-1.2"), ("0.700", "-2.2", "-0.8"), ("0.600", "-2.6", "-1.0")),
    (6, ("0.815", "-2.7", "-1.0"), ("0.712", "-2.1", "-0.7"), ("0.612", "-2.5", "-0.9")),
    (5, ("0.838", "-2.5", "-0.8"), ("0.722", "-2.0", "-0.6"), ("0.620", "-2.4", "-0.8")),
    (4, ("0.860", "-2.3", "-0.6"), ("0.731", "-1.9", "-0.5"), ("0.628", "-2.3", "-0.7")),
    (2, ("0.872", "-2.2", "-0.4"), ("0.735", "-1.9", "-0.4"), ("0.633", "-2.2", "-0.5")),
    (0, ("0.884", "-2.1", "-0.3"), ("0.738", "-1.8", "-0.3"), ("0.636", "-2.2", "-0.4")),
]
MARGARET_GOAL_REASON = "Started in the osteoporosis range (spine −2.9); aiming above −2.0 while on treatment."
# (months ago, make, model, spine, total hip, femoral neck)
ROBERT = [
    (72, ScannerMake.GE_LUNAR, "Prodigy", ("1.020", "-1.2", "-0.2"), ("0.880", "-1.4", "-0.5"), ("0.760", "-1.7", "-0.6")),
    (48, ScannerMake.GE_LUNAR, "Prodigy", ("0.990", "-1.4", "-0.3"), ("0.866", "-1.5", "-0.5"), ("0.741", "-1.8", "-0.6")),
    (12, ScannerMake.HOLOGIC, "Horizon A", ("0.930", "-1.3", "-0.1"), ("0.820", "-1.5", "-0.4"), ("0.700", "-1.8", "-0.5")),
]


def _rows(side: str, spine, hip, neck) -> list[tuple]:
    return [("lumbar_spine", "", *spine), ("total_hip", side, *hip), ("femoral_neck", side, *neck)]


def _facility(name: str, **lsc) -> Facility:
    facility, _ = Facility.objects.get_or_create(name=name, owner=None, defaults=lsc)
    return facility


def _create(patient, scans: list[tuple], *, user, verifier, source) -> None:
    """scans: (date, facility, make, model, rows); bulk-created with one revision each."""
    now = timezone.now()
    created = DexaScan.objects.bulk_create(
        DexaScan(
            patient=patient,
            scanned_on=day,
            facility=facility,
            make=make,
            model=model,
            source=source,
            entered_by=user,
            verified_by=verifier,
            verified_at=now if verifier else None,
        )
        for day, facility, make, model, _ in scans
    )
    SiteMeasurement.objects.bulk_create(
        SiteMeasurement(scan=scan, site=site, side=side, bmd=D(bmd), t_score=D(t), z_score=D(z))
        for scan, (*_, rows) in zip(created, scans, strict=True)
        for site, side, bmd, t, z in rows
    )
    ScanRevision.objects.bulk_create(ScanRevision(scan=scan, changed_by=user, action="created") for scan in created)
    refresh_next_scan_due(patient)


def seed(demo) -> None:
    today: dt.date = demo.today
    riverside = _facility(
        "Riverside Bone Health Clinic", lsc_lumbar_spine=D("0.025"), lsc_total_hip=D("0.020"), lsc_femoral_neck=D("0.030")
    )
    lakeside = _facility("Lakeside Hospital Imaging")
    margaret, robert, helen = demo.patients[0], demo.patients[2], demo.patients[1]

    if not margaret.dexa_scans.exists():
        # R13: her clinician set a stricter goal than the default, so the dashboard shows both outcomes: the total hip
        # has reached it; the spine and femoral neck have not, and their significant gains give a projected date.
        margaret.goal_t_score, margaret.goal_reason, margaret.goal_set_by = D("-2.0"), MARGARET_GOAL_REASON, demo.clinician
        margaret.save(update_fields=["goal_t_score", "goal_reason", "goal_set_by"])
        # The last scan ~23.5 months ago: on treatment the 2-year rule puts the next scan about two weeks ahead.
        last = add_months(today, -24) + dt.timedelta(days=15)
        # Her medication courses (bonetrack/treatment/devdata/demo.py) follow these scan dates.
        scans = [
            (add_months(last, -12 * years), riverside, ScannerMake.HOLOGIC, "Horizon A", _rows("left", *sites))
            for years, *sites in MARGARET
        ]
        _create(margaret, scans, user=demo.clinician, verifier=demo.clinician, source=Source.CLINICIAN)

    if not robert.dexa_scans.exists():
        scans = [
            (
                add_months(today, -months),
                lakeside if make == ScannerMake.GE_LUNAR else riverside,
                make,
                model,
                _rows("right", *sites),
            )
            for months, make, model, *sites in ROBERT
        ]
        _create(robert, scans, user=demo.clinician, verifier=demo.clinician, source=Source.CLINICIAN)

    if not helen.dexa_scans.exists():
        rows = [("lumbar_spine", "", "0.905", "-1.6", "-0.4"), ("femoral_neck", "left", "0.655", "-2.1", "-0.9")]
        scans = [(add_months(today, -3), lakeside, ScannerMake.GE_LUNAR, "", rows)]
        _create(helen, scans, user=helen.user, verifier=None, source=Source.SELF_REPORTED)

    anna = demo.patients[3]
    if not anna.dexa_scans.exists():
        rows = [("lumbar_spine", "", "0.880", "-1.9", "-0.7"), ("femoral_neck", "right", "0.640", "-2.2", "-0.9")]
        scans = [(add_months(today, -26), riverside, ScannerMake.HOLOGIC, "Horizon A", rows)]
        _create(anna, scans, user=demo.clinician, verifier=demo.clinician, source=Source.CLINICIAN)
