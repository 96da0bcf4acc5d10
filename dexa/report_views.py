"""The scan report pages: attach a report to a scan, download it, remove it (see dexa.reports)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.models import AccessAction
from bonetrack.audit.recording import record_access
from bonetrack.careteams.access import may_change_entry, patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form

from . import reports
from .models import DexaScan, ScanReport


def _report(patient: PatientProfile, report_id: int) -> ScanReport:
    report = get_object_or_404(ScanReport.objects.for_patient(patient).select_related("scan", "uploaded_by"), pk=report_id)
    report.patient = patient  # already loaded (with its user) by patient_view
    return report


def may_remove(user, report: ScanReport) -> bool:
    """Patients may remove a report they uploaded themselves, never one their care team uploaded."""
    return may_change_entry(user, entered_by=report.uploaded_by)


def scan_report_panel(user, scan: DexaScan) -> dict:
    """The scan page's report section: the scan's reports, newest first (one query), and the form to attach one."""
    rows = [
        {"report": report, "kind": reports.TYPE_LABELS[report.content_type], "may_remove": may_remove(user, report)}
        for report in scan.reports.select_related("uploaded_by")
    ]
    return {"rows": rows, "form": reports.ScanReportForm()}


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def report_add(request: HtmxHttpRequest, patient: PatientProfile, scan_id: int) -> HttpResponse:
    """GET: the upload form alone. POST: store the file and attach it to the scan, or show why it was refused."""
    scan = get_object_or_404(DexaScan.objects.for_patient(patient), pk=scan_id)
    scan.patient = patient
    form = reports.ScanReportForm(request.POST, request.FILES) if request.method == "POST" else reports.ScanReportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():  # a refused file leaves its form token unused
                consume_form_token(request)
                report = reports.store_report(patient=patient, uploaded_file=upload, by=request.user, scan=scan)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"Report attached: {report.original_name}.")
            return redirect("dexa:scan-detail", patient_id=patient.pk, scan_id=scan.pk)
    status = 422 if form.errors else 200
    return TemplateResponse(request, "dexa/report_form.html", {"patient": patient, "scan": scan, "form": form}, status=status)


@require_GET
@patient_view
def report_download(request: HtmxHttpRequest, patient: PatientProfile, report_id: int) -> HttpResponse:
    """The report file, as a download (never shown inline); every download is in the access log, as a view of the record."""
    report = _report(patient, report_id)
    path = reports.report_path(report)
    if not path.is_file():
        raise Http404("The report file is missing.")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=reports.download_name(report), content_type=report.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    if request.user.pk == patient.user_id:
        # @patient_view logs everyone else's views; a download is logged whoever makes it, the patient included.
        record_access(request, patient, action=AccessAction.VIEW)
    return response


@require_POST
@patient_view
def report_delete(request: HtmxHttpRequest, patient: PatientProfile, report_id: int) -> HttpResponse:
    report = _report(patient, report_id)
    if not may_remove(request.user, report):
        raise PermissionDenied
    scan_id = report.scan_id
    reports.delete_report(report, by=request.user)
    messages.success(request, f"Report removed: {report.original_name}.")
    if scan_id is None:
        return redirect("dexa:scan-list", patient_id=patient.pk)
    return redirect("dexa:scan-detail", patient_id=patient.pk, scan_id=scan_id)
