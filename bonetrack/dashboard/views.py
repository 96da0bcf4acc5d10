from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.timezones import canonical_zone, local_today

from .checklist import checklist_answer, checklist_hide, time_zone_confirm
from .forms import HIDE, ChecklistAnswerForm, TimeZoneForm
from .registry import collect_panels


@require_GET
@patient_view
def patient_dashboard(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """One patient's overview: each app contributes a panel."""
    today = local_today(patient.user)
    return TemplateResponse(
        request,
        "dashboard/patient_dashboard.html",
        {"patient": patient, "today": today, "panels": collect_panels(request, patient, today)},
    )


def _own_record(request: HtmxHttpRequest, patient: PatientProfile) -> None:
    """The checklist and the time zone are the patient's own to answer: not the care team's, nor an admin's."""
    if request.user.pk != patient.user_id:
        raise PermissionDenied


def _back_to_checklist(patient: PatientProfile) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk}) + "#checklist")


@require_POST
@patient_view
def checklist(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The checklist's buttons: "I have not had one", "I don't take any" (and their undo), and "Hide this list"."""
    _own_record(request, patient)
    form = ChecklistAnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("That is not one of the checklist's buttons.")
    answer = form.cleaned_data["answer"]
    if answer == HIDE:
        checklist_hide(patient=patient)
        messages.success(request, "The checklist is hidden. Your profile, scans, supplements and care team are in the menu.")
    else:
        checklist_answer(patient=patient, answer=answer)
    return _back_to_checklist(patient)


@require_http_methods(["GET", "POST"])
@patient_view
def time_zone(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Confirm the time zone the browser reports, or choose another (the checklist's last step, and a settings page)."""
    _own_record(request, patient)
    user = patient.user
    detected = canonical_zone(request.GET.get("detected"))
    if request.method == "POST":
        form = TimeZoneForm(request.POST)
        if form.is_valid():
            time_zone_confirm(user=user, zone=form.cleaned_data["time_zone"])
            messages.success(
                request, f"Time zone saved: {user.time_zone}. Your “today” is {format_day(local_today(user), year=False)}."
            )
            return _back_to_checklist(patient)
    else:
        form = TimeZoneForm(initial={"time_zone": detected or user.time_zone})
    return TemplateResponse(
        request,
        "dashboard/time_zone.html",
        {"patient": patient, "form": form, "detected": detected},
        status=422 if form.is_bound else 200,
    )
