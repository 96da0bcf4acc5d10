import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import CARE_TEAM_ENTRY_MESSAGE, may_change_entry, patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today

from . import lifestyle, services
from .forms import FallForm, FractureForm, PatientProfileForm, RiskFactorsForm, UserDetailsForm


@require_http_methods(["GET", "POST"])
@patient_view
def profile_edit(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's details (risk factors have their own page; the care team sets the scan interval on its own page)."""
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
    fractures = list(patient.fractures.select_related("recorded_by"))
    for fracture in fractures:
        fracture.may_change = may_change_entry(request.user, entered_by=fracture.recorded_by)
    return TemplateResponse(request, "patients/fracture_list.html", {"patient": patient, "form": form, "fractures": fractures})


@require_POST
@patient_view
def fracture_delete(request: HtmxHttpRequest, patient: PatientProfile, fracture_id: int) -> HttpResponse:
    fracture = get_object_or_404(patient.fractures.select_related("recorded_by"), pk=fracture_id)
    if not may_change_entry(request.user, entered_by=fracture.recorded_by):
        raise PermissionDenied(CARE_TEAM_ENTRY_MESSAGE)
    services.fracture_delete(fracture=fracture)
    messages.success(request, f"Deleted: {fracture}.")
    return redirect("patients:fracture-list", patient_id=patient.pk)


def _risk_factors_page(
    request: HtmxHttpRequest, patient: PatientProfile, *, form: RiskFactorsForm, fall_form: FallForm, status: int = 200
) -> TemplateResponse:
    """The R15 answers, the falls log, and the advice and R5 risk factors of what is saved."""
    today = local_today(patient.user)
    falls = list(patient.falls.all())
    context = {
        "patient": patient,
        "form": form,
        "fall_form": fall_form,
        "falls": falls,
        "recent_falls": len(lifestyle.falls_in_past_year(falls, today)),
        "advice": lifestyle.advice(patient, falls, today),
        "advice_source": lifestyle.ADVICE_SOURCE,
        "risk_factors": patient.clinical_risk_factors(),
    }
    return TemplateResponse(request, "patients/risk_factors.html", context, status=status)


def _fall_form(request: HtmxHttpRequest | None, patient: PatientProfile) -> FallForm:
    data = request.POST if request is not None else None
    return FallForm(data, prefix="fall", patient=patient, today=local_today(patient.user))


@require_http_methods(["GET", "POST"])
@patient_view
def risk_factors(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Lifestyle and clinical risk factors (R15) with the falls log; saving the answers may move the next scan date."""
    # The form works on a copy, so that the advice beside it describes what is saved, not what was just rejected.
    form = RiskFactorsForm(request.POST or None, instance=copy.copy(patient))
    if request.method == "POST" and form.is_valid():
        services.risk_factors_update(patient=form.save(commit=False))
        messages.success(request, "Risk factors saved.")
        return redirect("patients:risk-factors", patient_id=patient.pk)
    status = 422 if form.errors else 200
    return _risk_factors_page(request, patient, form=form, fall_form=_fall_form(None, patient), status=status)


@require_POST
@patient_view
@once_per_form
def fall_add(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Record a fall in the log; an invalid one shows the page again with what was typed."""
    fall_form = _fall_form(request, patient)
    if fall_form.is_valid():
        consume_form_token(request)
        fall = services.fall_record(patient=patient, fall=fall_form.save(commit=False), by=request.user)
        messages.success(request, f"Recorded: fall on {format_day(fall.occurred_on)}.")
        return redirect("patients:risk-factors", patient_id=patient.pk)
    form = RiskFactorsForm(instance=patient)
    return _risk_factors_page(request, patient, form=form, fall_form=fall_form, status=422)


@require_POST
@patient_view
def fall_delete(request: HtmxHttpRequest, patient: PatientProfile, fall_id: int) -> HttpResponse:
    fall = get_object_or_404(patient.falls, pk=fall_id)
    services.fall_delete(fall=fall)
    messages.success(request, f"Deleted: fall on {format_day(fall.occurred_on)}.")
    return redirect("patients:risk-factors", patient_id=patient.pk)
