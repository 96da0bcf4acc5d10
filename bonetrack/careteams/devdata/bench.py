"""`make bench`: the clinician's patient list (500 patients) and a care-team page."""

from django.urls import reverse

from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage, BenchResult, time_calls

from ..access import patients_visible_to

ORDER = 5


def pages(ctx: BenchContext) -> list[BenchPage]:
    return [
        BenchPage("patient list (clinician with 500 patients, page 1)", reverse("careteams:patient-list"), ctx.clinician),
        BenchPage("patient list (admin, page 1)", reverse("careteams:patient-list"), ctx.admin),
        BenchPage("care team (patient)", reverse("careteams:care-team", args=[ctx.patient.pk]), ctx.patient.user),
    ]


def measure(ctx: BenchContext) -> list[BenchResult]:
    clinician, patient_id = ctx.clinician, ctx.patients[-1].pk
    return [
        time_calls(
            "access check: clinician → one patient (query)",
            lambda: patients_visible_to(clinician).filter(pk=patient_id).exists(),
        ),
        time_calls("count of a clinician's patients (query)", lambda: patients_visible_to(clinician).count()),
    ]
