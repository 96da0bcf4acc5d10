from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today

from .forms import LabResultForm
from .models import LabResult


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def lab_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's lab results, newest first, with a form to add one (patient and care team alike)."""
    form = LabResultForm(request.POST or None, patient=patient, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():
        result = form.save(commit=False)
        result.patient, result.entered_by = patient, request.user
        consume_form_token(request)
        result.save()
        messages.success(request, f"Added: {result}.")
        return redirect("labs:lab-list", patient_id=patient.pk)
    results = LabResult.objects.for_patient(patient).newest_first()
    return TemplateResponse(request, "labs/lab_list.html", {"patient": patient, "form": form, "results": results})


@require_POST
@patient_view
def lab_delete(request: HtmxHttpRequest, patient: PatientProfile, lab_id: int) -> HttpResponse:
    result = get_object_or_404(LabResult.objects.for_patient(patient), pk=lab_id)
    result.delete()
    messages.success(request, f"Deleted: {result}.")
    return redirect("labs:lab-list", patient_id=patient.pk)
