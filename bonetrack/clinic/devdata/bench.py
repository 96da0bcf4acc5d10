"""`make bench`: the worklist for a clinician with 500 patients, and the first page of a timeline."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage

from ..models import ClinicalNote

ORDER = 90
WORKLIST_BUDGET = {"p50_ms": 80, "queries": 10}


def _time_pages_not_sign_in() -> None:
    # NOTE: bench requests sign in with force_login, which never passes allauth's two-factor step; the bench
    # measures what pages cost, so the two-factor requirement (bonetrack.clinic.mfa) is off for the bench run.
    settings.BONETRACK_REQUIRE_MFA = False


def seed(ctx: BenchContext) -> None:
    """Two years of monthly notes on the heavy patient, so the timeline has a full first page of its own."""
    _time_pages_not_sign_in()
    if ctx.patient is None or ClinicalNote.objects.filter(patient=ctx.patient).exists():
        return
    now = timezone.now()
    ClinicalNote.objects.bulk_create(
        ClinicalNote(
            patient=ctx.patient,
            author=ctx.clinician,
            body=f"Monthly review {i}: adherence discussed, plan unchanged.",
            created_at=now - dt.timedelta(days=30 * i),
        )
        for i in range(1, 25)
    )


def pages(ctx: BenchContext) -> list[BenchPage]:
    _time_pages_not_sign_in()
    worklist = reverse("clinic:worklist")
    result = [
        BenchPage("clinic: worklist", worklist, ctx.clinician, budget=WORKLIST_BUDGET),
        BenchPage("clinic: worklist sorted by age", f"{worklist}?sort=-age", ctx.clinician, budget=WORKLIST_BUDGET),
        BenchPage("clinic: worklist, overdue only", f"{worklist}?filter=overdue", ctx.clinician, budget=WORKLIST_BUDGET),
        BenchPage(
            "clinic: worklist, search and page 2", f"{worklist}?q=a&page=2", ctx.clinician, htmx=True, budget=WORKLIST_BUDGET
        ),
    ]
    if ctx.patient is not None:
        timeline = reverse("clinic:timeline", kwargs={"patient_id": ctx.patient.pk})
        # One query per timeline source and kind; the medication source adds its courses and its doses, the fracture
        # risk source its one UNION, the changes to the record (who did what) one query, and the header sections
        # (chart, risk flags, progress summary) their own reads.
        result += [
            BenchPage("clinic: timeline, first page", timeline, ctx.clinician, budget={"queries": 23}),
            BenchPage(
                "clinic: timeline, older page (htmx)",
                f"{timeline}?{urlencode({'before': (timezone.now() - dt.timedelta(days=365)).isoformat()})}",
                ctx.clinician,
                htmx=True,
                budget={"queries": 18},
            ),
        ]
    return result
