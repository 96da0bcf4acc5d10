"""Reading a scan's values from its report: upload the PDF or photo, watch it being read, then check the pre-filled scan
form and save it (`views.scan_from_report`). The reading itself runs in the worker (`tasks.read_report_task`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import get_visible_patient, patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.middleware import background_poll
from bonetrack.core.submissions import consume_form_token, once_per_form

from . import report_reading
from .models import ReadingStatus, ReportReading
from .reports import ScanReportForm

POLL_EVERY = "every 1s"


def get_reading(patient: PatientProfile, reading_id: int) -> ReportReading:
    """The patient's reading `reading_id` (404 for anyone else's)."""
    return get_object_or_404(ReportReading.objects.select_related("report"), pk=reading_id, report__patient=patient)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def report_read(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """GET: choose the report file. POST: store it and start reading it; then the reading page."""
    form = ScanReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading = report_reading.start_reading(patient=patient, uploaded_file=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            form.add_error("file", error)  # the form's token stays unused: the person can send the form again
        else:
            consume_form_token(request)
            return redirect("dexa:scan-reading", patient_id=patient.pk, reading_id=reading.pk)
    return TemplateResponse(request, "dexa/report_read.html", {"patient": patient, "form": form})


def _status_context(patient: PatientProfile, reading: ReportReading) -> dict:
    finished = reading.status in (ReadingStatus.DONE, ReadingStatus.FAILED)
    return {
        "patient": patient,
        "reading": reading,
        "finished": finished,
        "found": reading.status == ReadingStatus.DONE and bool((reading.result or {}).get("found")),
        "confirmed": report_reading.is_confirmed(reading),
        "poll_trigger": POLL_EVERY,
    }


@require_GET
@patient_view
def reading_page(request: HtmxHttpRequest, patient: PatientProfile, reading_id: int) -> HttpResponse:
    """How far the reading has got; when it is done, the way on to the pre-filled form (or why it could not be read)."""
    reading = get_reading(patient, reading_id)
    return TemplateResponse(request, "dexa/report_reading.html", _status_context(patient, reading))


# NOTE: not @patient_view, on purpose: the page polls this every second and it shows only how far the reading has got,
# so it is not written to the access log (the page, the form and the save are). It checks access as @patient_view does.
@background_poll
@require_GET
@login_required
def reading_status(request: HtmxHttpRequest, patient_id: int, reading_id: int) -> HttpResponse:
    patient = get_visible_patient(request.user, patient_id)
    reading = get_reading(patient, reading_id)
    if not wants_partial(request):  # without htmx, or a history restore: the whole page
        return redirect("dexa:scan-reading", patient_id=patient.pk, reading_id=reading.pk)
    return TemplateResponse(request, "dexa/report_reading.html#reading-status", _status_context(patient, reading))
