"""The full export page: ask for the ZIP, watch it being prepared, download it for 24 hours."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import get_visible_patient, patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.middleware import background_poll
from bonetrack.core.submissions import consume_form_token, once_per_form

from . import services
from .models import DOWNLOAD_LIFETIME, ExportJob, ExportStatus

RECENT_JOBS = 5
POLL_EVERY = "every 2s"


def _status_context(job: ExportJob) -> dict:
    return {"job": job, "expired": job.is_expired(timezone.now()), "poll_trigger": POLL_EVERY}


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def export_page(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The latest exports of the record, and the button that prepares a new one."""
    if request.method == "POST":
        consume_form_token(request)
        services.export_request(patient=patient, by=request.user)
        return redirect("portability:export", patient_id=patient.pk)
    jobs = list(patient.export_jobs.select_related("requested_by")[:RECENT_JOBS])
    now = timezone.now()
    context = {
        "patient": patient,
        "latest": _status_context(jobs[0]) if jobs else None,
        "earlier": [{"job": job, "expired": job.is_expired(now)} for job in jobs[1:]],
        "lifetime_hours": int(DOWNLOAD_LIFETIME.total_seconds() // 3600),
    }
    return TemplateResponse(request, "portability/export.html", context)


# NOTE: not @patient_view, on purpose: the page polls this every 2 seconds, and it shows only how far the job has
# got, none of the record, so it is not written to the access log (the page and the download are). It checks access
# exactly as @patient_view does.
@background_poll
@require_GET
@login_required
def export_status(request: HtmxHttpRequest, patient_id: int, job_id: int) -> HttpResponse:
    """The job's status and progress bar; it keeps polling itself until the job is finished."""
    patient = get_visible_patient(request.user, patient_id)
    job = get_object_or_404(patient.export_jobs, pk=job_id)
    if not wants_partial(request):  # a browser without htmx, or a history restore: the whole page
        return redirect("portability:export", patient_id=patient.pk)
    return TemplateResponse(request, "portability/export.html#export-status", {"patient": patient, **_status_context(job)})


@require_GET
@patient_view
def export_download(request: HtmxHttpRequest, patient: PatientProfile, job_id: int) -> HttpResponse:
    """The ZIP file, for 24 hours after it was ready; then 410 Gone (and the file is deleted if still there)."""
    job = get_object_or_404(patient.export_jobs, pk=job_id)
    if job.is_expired(timezone.now()):
        job.delete_file()
        context = {"patient": patient, "job": job}
        return TemplateResponse(request, "portability/export_expired.html", context, status=410)
    if job.status != ExportStatus.DONE or job.path is None or not job.path.is_file():
        return redirect("portability:export", patient_id=patient.pk)  # not ready (or failed): the page says so
    filename = f"bonetrack-patient-{patient.pk}-{job.finished_at:%Y-%m-%d}.zip"
    return FileResponse(job.path.open("rb"), as_attachment=True, filename=filename, content_type="application/zip")
