from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import care_team_required, patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today

from . import report_reading, rules, services
from .forms import ScanEntry
from .history import load_history
from .importing import COLUMNS, import_commit, parse_csv
from .models import DexaScan, ReadingStatus, ReportReading, Source
from .panels import summary_html
from .reading_views import get_reading
from .report_views import scan_report_panel

MAX_UPLOAD_BYTES = 1_000_000


def _scan(patient: PatientProfile, scan_id: int) -> DexaScan:
    scan = get_object_or_404(DexaScan.objects.for_patient(patient).select_related("facility", "verified_by"), pk=scan_id)
    scan.patient = patient  # already loaded (with its user) by patient_view
    return scan


def can_change(user, scan: DexaScan) -> bool:
    """The care team may correct any scan; a patient only their own self-reported scans not yet verified."""
    if user.is_care_team:
        return True
    return scan.source == Source.SELF_REPORTED and not scan.is_verified and scan.patient.user_id == user.pk


def _done(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
@patient_view
def scan_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The T-score chart (Z-score for R2's Z-score population), the summary cards and every scan, newest first."""
    scans = list(
        DexaScan.objects.for_patient(patient)
        .newest_first()
        .select_related("facility")
        .annotate(lowest_z_score=Min("measurements__z_score", filter=Q(measurements__site__in=rules.SITES)))
    )
    uses_t_score = not scans or uses_t_scores(patient, scans[0].scanned_on)
    return TemplateResponse(
        request,
        "dexa/scan_list.html",
        {
            "patient": patient,
            "summary_html": summary_html(patient, "list", care_team=request.user.is_care_team),
            "scans": scans,
            "uses_t_score": uses_t_score,
        },
    )


def uses_t_scores(patient: PatientProfile, day) -> bool:
    """R2: whether the patient was in the T-score population on `day` (else Z-score statements)."""
    return rules.score_population(
        sex=patient.sex, menopausal_status=patient.menopausal_status, age=patient.age_on(day)
    ).uses_t_score


VALUES_UNCHECKED = "Tick this box once you have checked every value against your report."


def _entry_view(
    request: HtmxHttpRequest, patient: PatientProfile, scan: DexaScan | None, reading: ReportReading | None = None
) -> HttpResponse:
    """Add or correct a scan. htmx requests with `_validate` only validate (inline errors), never save.

    With a `reading`, the form is pre-filled with the values read from the report, each shown with where it was read;
    it saves only once the person ticks that they checked the values, and the report is attached to the new scan.
    """
    today = local_today(patient.user)
    initial, initial_sites, sources = report_reading.prefill(reading, patient) if reading else (None, None, {})
    data = request.POST if request.method == "POST" else None
    entry = ScanEntry(data, patient=patient, today=today, instance=scan, initial=initial, initial_sites=initial_sites)
    validating = request.method == "POST" and request.POST.get("_validate") == "1"
    confirm_needed = False
    values_error = ""
    if request.method == "POST":
        valid = entry.is_valid()
        if reading is not None and request.POST.get("values_checked") != "1" and not validating:
            values_error = VALUES_UNCHECKED
        if validating:
            entry.quiet_empty_errors()
        elif valid and not values_error:
            confirm_needed = bool(entry.warnings()) and request.POST.get("confirm_unusual") != "1"
            if not confirm_needed:
                source = Source.SELF_REPORTED if request.user.is_patient else Source.CLINICIAN
                consume_form_token(request)
                if reading is None:
                    saved = entry.save(user=request.user, source=source)
                else:
                    saved = report_reading.confirm_reading(reading=reading, entry=entry, user=request.user, source=source)
                if scan is None and request.user.is_clinician:
                    services.scan_verify(scan=saved, user=request.user)
                messages.success(request, f"Saved: {saved}." if scan is None else f"Corrected: {saved}.")
                return _done(request, reverse("dexa:scan-list", kwargs={"patient_id": patient.pk}))
    context = {
        "patient": patient,
        "entry": entry,
        "scan": scan,
        "reading": reading,
        "sources": sources,
        "values_error": values_error,
        "values_checked": request.POST.get("values_checked") == "1",
        "warnings": entry.warnings() if request.method == "POST" else [],
        "confirm_needed": confirm_needed,
        "action": request.path,
    }
    template = "dexa/scan_form.html#scan-form" if wants_partial(request) else "dexa/scan_form.html"
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def scan_add(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    return _entry_view(request, patient, None)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def scan_from_report(request: HtmxHttpRequest, patient: PatientProfile, reading_id: int) -> HttpResponse:
    """The scan form pre-filled from a report that has been read; once saved, the scan itself."""
    reading = get_reading(patient, reading_id)
    if report_reading.is_confirmed(reading):
        return redirect("dexa:scan-detail", patient_id=patient.pk, scan_id=reading.report.scan_id)
    if reading.status != ReadingStatus.DONE or not (reading.result or {}).get("found"):
        return redirect("dexa:scan-reading", patient_id=patient.pk, reading_id=reading.pk)
    return _entry_view(request, patient, None, reading)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def scan_edit(request: HtmxHttpRequest, patient: PatientProfile, scan_id: int) -> HttpResponse:
    scan = _scan(patient, scan_id)
    if not can_change(request.user, scan):
        raise PermissionDenied
    return _entry_view(request, patient, scan)


@require_GET
@patient_view
def scan_detail(request: HtmxHttpRequest, patient: PatientProfile, scan_id: int) -> HttpResponse:
    """One scan's sites with their changes against the previous scan and the baseline, and its correction history."""
    scan = _scan(patient, scan_id)
    history = load_history(patient)
    shown = next(s for s in history.scans if s.pk == scan.pk)
    revisions = scan.revisions.select_related("changed_by")
    shown.verified_by = scan.verified_by if scan.verified_by_id else None
    notes = scan.clinical_notes.select_related("author") if request.user.is_care_team else ()
    return TemplateResponse(
        request,
        "dexa/scan_detail.html",
        {
            "patient": patient,
            "scan": shown,
            "revisions": revisions,
            "can_change": can_change(request.user, scan),
            "can_verify": request.user.is_clinician and not scan.is_verified,
            "notes": notes,
            "reports": scan_report_panel(request.user, scan),
            "uses_t_score": uses_t_scores(patient, scan.scanned_on),
        },
    )


@require_POST
@patient_view
def scan_verify(request: HtmxHttpRequest, patient: PatientProfile, scan_id: int) -> HttpResponse:
    scan = _scan(patient, scan_id)
    if not request.user.is_clinician:
        raise PermissionDenied
    services.scan_verify(scan=scan, user=request.user)
    messages.success(request, f"Verified: {scan}.")
    return _done(request, reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))


@require_POST
@patient_view
def scan_delete(request: HtmxHttpRequest, patient: PatientProfile, scan_id: int) -> HttpResponse:
    scan = _scan(patient, scan_id)
    if not can_change(request.user, scan):
        raise PermissionDenied
    label = str(scan)
    services.scan_delete(scan=scan)
    messages.success(request, f"Deleted: {label}.")
    return _done(request, reverse("dexa:scan-list", kwargs={"patient_id": patient.pk}))


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
@care_team_required
def scan_import(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """GET: the upload form. POST: commit the previewed file, all rows or none."""
    today = local_today(patient.user)
    context = {"patient": patient, "columns": COLUMNS, "preview": None, "text": ""}
    if request.method == "POST":
        text = request.POST.get("csv_text", "")
        try:
            with transaction.atomic():  # a refused file leaves its form token unused
                consume_form_token(request)
                created = import_commit(patient=patient, text=text, user=request.user, today=today)
        except ValueError as error:
            context |= {"preview": parse_csv(text, patient=patient, today=today), "text": text, "commit_error": str(error)}
            return TemplateResponse(request, "dexa/scan_import.html", context)
        messages.success(request, f"Imported {len(created)} scan{'s' if len(created) != 1 else ''}.")
        return redirect("dexa:scan-list", patient_id=patient.pk)
    return TemplateResponse(request, "dexa/scan_import.html", context)


@require_POST
@patient_view
@care_team_required
def scan_import_preview(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Parse an uploaded CSV and show every row with its errors; nothing is saved here."""
    context = {"patient": patient, "columns": COLUMNS, "preview": None, "text": ""}
    upload = request.FILES.get("file")
    if upload is None:
        context["upload_error"] = "Choose a CSV file to upload."
    elif upload.size > MAX_UPLOAD_BYTES:
        context["upload_error"] = "The file is larger than 1 MB; split it."
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            context["upload_error"] = "The file is not UTF-8 text. Save it as CSV (UTF-8) and try again."
        else:
            context |= {"preview": parse_csv(text, patient=patient, today=local_today(patient.user)), "text": text}
    return TemplateResponse(request, "dexa/scan_import.html", context)
