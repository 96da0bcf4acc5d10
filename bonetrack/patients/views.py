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

from . import services
from .forms import FractureForm, PatientProfileForm, UserDetailsForm


@require_http_methods(["GET", "POST"])
@patient_view
def profile_edit(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's details and risk factors (the care team sets the scan interval on its own page)."""
    data = request.POST if request.method == "POST" else None
    user_form = UserDetailsForm(data, instance=patient.user, prefix="user")
    profile_form = PatientProfileForm(data, instance=patient, prefix="profile")
    if request.method == "POST" and user_form.is_valid() and profile_form.is_valid():
        services.profile_update(patient=profile_form.save(commit=False), user=user_form.save(commit=False))
        messages.success(request, "Profile saved.")
        return redirect("patients:profile", patient_id=patient.pk)
    return TemplateResponse(
        request,
        "patients/profile_edit.html",
        {"patient": patient, "user_form": user_form, "profile_form": profile_form},
    )


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def fracture_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Fracture history, with a form to record one."""
    form = FractureForm(request.POST or None, patient=patient, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():
        consume_form_token(request)
        fracture = services.fracture_record(patient=patient, fracture=form.save(commit=False), by=request.user)
        messages.success(request, f"Recorded: {fracture}.")
        return redirect("patients:fracture-list", patient_id=patient.pk)
    return TemplateResponse(
        request, "patients/fracture_list.html", {"patient": patient, "form": form, "fractures": patient.fractures.all()}
    )


@require_POST
@patient_view
def fracture_delete(request: HtmxHttpRequest, patient: PatientProfile, fracture_id: int) -> HttpResponse:
    fracture = get_object_or_404(patient.fractures, pk=fracture_id)
    services.fracture_delete(fracture=fracture)
    messages.success(request, f"Deleted: {fracture}.")
    return redirect("patients:fracture-list", patient_id=patient.pk)
