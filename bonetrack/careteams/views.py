from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.models import AccessEvent
from bonetrack.core.htmx import HtmxHttpRequest

from .access import care_team_required, patient_view, patients_visible_to

PATIENTS_PER_PAGE = 50
ACCESS_LOG_PAGE_SIZE = 25


@require_GET
@care_team_required
def patient_list(request: HtmxHttpRequest) -> HttpResponse:
    """The patients the signed-in clinician (or admin) may see."""
    patients = patients_visible_to(request.user).select_related("user").order_by("user__last_name", "user__first_name", "pk")
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "careteams/patient_list.html", {"patients": page.object_list, "page": page})


@require_GET
@patient_view
def care_team(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Who is on the patient's care team, and whose access the patient has revoked."""
    memberships = patient.care_team_memberships.select_related("clinician").order_by("revoked_at", "clinician__last_name")
    return TemplateResponse(request, "careteams/care_team.html", {"patient": patient, "memberships": memberships})


@require_POST
@patient_view
def revoke(request: HtmxHttpRequest, patient: PatientProfile, membership_id: int) -> HttpResponse:
    """The patient withdraws a clinician's access; only the patient themself may do this."""
    membership = get_object_or_404(patient.care_team_memberships.active(), pk=membership_id)
    if request.user != patient.user:
        raise PermissionDenied
    membership.revoke(by=request.user)
    messages.success(request, f"{membership.clinician.display_name} can no longer see your record. An admin can restore access.")
    return redirect("careteams:care-team", patient_id=patient.pk)


@require_GET
@patient_view
def access_log(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Who viewed my record: every view or change by someone other than the patient, newest first."""
    events = AccessEvent.objects.for_patient(patient).by_others().select_related("actor").order_by("-at", "-pk")
    page = Paginator(events, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "careteams/access_log.html", {"patient": patient, "page": page})
