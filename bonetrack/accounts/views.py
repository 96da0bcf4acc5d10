from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.careteams.access import patient_view
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today
from dexa.services import refresh_next_scan_due

from .forms import FractureForm, PatientProfileForm, UserDetailsForm
from .models import PatientProfile


@require_http_methods(["GET", "POST"])
@patient_view
def profile_edit(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's details and risk factors (the care team sets the scan interval on its own page)."""
    data = request.POST if request.method == "POST" else None
    user_form = UserDetailsForm(data, instance=patient.user, prefix="user")
    profile_form = PatientProfileForm(data, instance=patient, prefix="profile")
    if request.method == "POST" and user_form.is_valid() and profile_form.is_valid():
        user_form.save()
        profile = profile_form.save()
        # Risk factors and medication move the next scan date (R5).
        refresh_next_scan_due(profile)
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile", patient_id=patient.pk)
    return TemplateResponse(
        request,
        "accounts/profile_edit.html",
        {
            "patient": patient,
            "user_form": user_form,
            "profile_form": profile_form,
            "care_team": request.user.role in ("clinician", "admin"),
        },
    )


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def fracture_list(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """Fracture history, with a form to record one."""
    form = FractureForm(request.POST or None, patient=patient, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():
        fracture = form.save(commit=False)
        fracture.patient, fracture.recorded_by = patient, request.user
        consume_form_token(request)
        fracture.save()
        refresh_next_scan_due(patient)  # a fragility fracture changes the category (R1) and the interval (R5)
        messages.success(request, f"Recorded: {fracture}.")
        return redirect("accounts:fracture-list", patient_id=patient.pk)
    return TemplateResponse(
        request, "accounts/fracture_list.html", {"patient": patient, "form": form, "fractures": patient.fractures.all()}
    )


@require_POST
@patient_view
def fracture_delete(request: HttpRequest, patient: PatientProfile, fracture_id: int) -> HttpResponse:
    fracture = get_object_or_404(patient.fractures, pk=fracture_id)
    fracture.delete()
    refresh_next_scan_due(patient)
    messages.success(request, f"Deleted: {fracture}.")
    return redirect("accounts:fracture-list", patient_id=patient.pk)
