from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today

from .fhir_export import bundle_json, patient_bundle
from .fhir_import import MAX_BYTES, BundleRefused, FhirPreview, import_commit, read_bundle, sign_preview, unsign_preview
from .forms import ConfirmForm, UploadForm

FHIR_JSON = "application/fhir+json"


def _page(request: HtmxHttpRequest, patient: PatientProfile, **context) -> TemplateResponse:
    context = {"patient": patient, "upload": UploadForm(), "preview": None, "confirm": None, "refused": ""} | context
    return TemplateResponse(request, "portability/fhir.html", context)


def _confirm_form(preview: FhirPreview, data=None, initial=None) -> ConfirmForm:
    return ConfirmForm(data, initial=initial, needs_facility=preview.needs_facility, needs_make=preview.needs_make)


@require_GET
@patient_view
def fhir_page(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Download the record as a FHIR bundle; import DXA results from one."""
    return _page(request, patient)


@require_GET
@patient_view
def fhir_bundle(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The record as a FHIR R4 Bundle file (a care team member's download is in the access log, as every view is)."""
    response = HttpResponse(bundle_json(patient_bundle(patient)), content_type=FHIR_JSON)
    filename = f"bonetrack-patient-{patient.pk}-{local_today(patient.user):%Y-%m-%d}.fhir.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@patient_view
def fhir_import_preview(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Read an uploaded bundle and show the scans understood and what is left out; nothing is saved here."""
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _page(request, patient, upload=upload)
    try:
        raw = upload.cleaned_data["file"].read(MAX_BYTES + 1)
        preview = read_bundle(raw, patient=patient, today=local_today(patient.user))
    except BundleRefused as refused:
        return _page(request, patient, upload=upload, refused=str(refused))
    confirm = _confirm_form(preview, initial={"scans": sign_preview(patient, preview)})
    return _page(request, patient, preview=preview, confirm=confirm)


@require_POST
@patient_view
@once_per_form
def fhir_import(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Save every previewed scan, or none."""
    try:
        preview = unsign_preview(patient, request.POST.get("scans", ""))
    except BundleRefused as refused:
        return _page(request, patient, refused=str(refused))
    confirm = _confirm_form(preview, request.POST)
    if not confirm.is_valid():
        return _page(request, patient, preview=preview, confirm=confirm)
    try:
        with transaction.atomic():  # a refused import leaves its form token unused
            consume_form_token(request)
            created = import_commit(
                patient=patient,
                scans=preview.scans,
                user=request.user,
                facility=confirm.cleaned_data["facility"],
                make=confirm.cleaned_data["make"],
            )
    except BundleRefused as refused:
        return _page(request, patient, preview=preview, confirm=confirm, refused=str(refused))
    messages.success(request, f"Imported {len(created)} scan{'s' if len(created) != 1 else ''} from the FHIR bundle.")
    return redirect("dexa:scan-list", patient_id=patient.pk)
