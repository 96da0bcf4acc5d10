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
from bonetrack.core.submissions import consume_form_token, once_per_form

from .access import care_team_required, patient_view, patients_visible_to
from .forms import InviteClinicianForm
from .services import AlreadyOnCareTeam, care_team_invitation_cancel, care_team_invitation_create, membership_revoke

PATIENTS_PER_PAGE = 50
ACCESS_LOG_PAGE_SIZE = 25


@require_GET
@care_team_required
def patient_list(request: HtmxHttpRequest) -> HttpResponse:
    """The patients the signed-in clinician (or admin) may see."""
    patients = patients_visible_to(request.user).select_related("user").order_by("user__last_name", "user__first_name", "pk")
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "careteams/patient_list.html", {"patients": page.object_list, "page": page})


# Invitations the patient still sees on the care team page: waiting, or answered (declined, expired) recently.
RECENT_INVITATIONS = 10


def _care_team_page(request: HtmxHttpRequest, patient: PatientProfile, form: InviteClinicianForm | None, status: int = 200):
    memberships = patient.care_team_memberships.select_related("clinician").order_by("revoked_at", "clinician__last_name")
    invitations = (
        patient.care_team_invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True)
        .select_related("clinician")
        .order_by("-created_at", "-pk")[:RECENT_INVITATIONS]
    )
    own = patient.user_id == request.user.pk
    context = {
        "patient": patient,
        "memberships": memberships,
        "invitations": invitations,
        "form": (form or InviteClinicianForm()) if own else None,
    }
    return TemplateResponse(request, "careteams/care_team.html", context, status=status)


@require_GET
@patient_view
def care_team(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Who is on the patient's care team, whom the patient has invited, and whose access the patient has revoked."""
    return _care_team_page(request, patient, form=None)


def _patient_only(request: HtmxHttpRequest, patient: PatientProfile) -> None:
    """Only the patient themself changes who is on their care team (the care team and admins get a 403)."""
    if request.user != patient.user:
        raise PermissionDenied


@require_POST
@patient_view
@once_per_form
def invite(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient invites a clinician by email; they read the same answer whether or not the address has an account."""
    _patient_only(request, patient)
    form = InviteClinicianForm(request.POST)
    if not form.is_valid():
        return _care_team_page(request, patient, form=form, status=422)
    consume_form_token(request)
    try:
        invitation = care_team_invitation_create(patient=patient, email=form.cleaned_data["email"], by=request.user)
    except AlreadyOnCareTeam as already:
        form.add_error("email", f"{already.clinician.display_name} is already on your care team.")
        return _care_team_page(request, patient, form=form, status=422)
    messages.success(request, f"We've sent your invitation to {invitation.email}. You'll see here when it is accepted.")
    return redirect("careteams:care-team", patient_id=patient.pk)


@require_POST
@patient_view
def invitation_cancel(request: HtmxHttpRequest, patient: PatientProfile, invitation_id: int) -> HttpResponse:
    """The patient withdraws an invitation that has not been answered."""
    invitation = get_object_or_404(patient.care_team_invitations.open(), pk=invitation_id)
    _patient_only(request, patient)
    care_team_invitation_cancel(invitation, patient=patient)
    messages.success(request, f"Invitation to {invitation.email} cancelled. The link in their email no longer works.")
    return redirect("careteams:care-team", patient_id=patient.pk)


@require_POST
@patient_view
def revoke(request: HtmxHttpRequest, patient: PatientProfile, membership_id: int) -> HttpResponse:
    """The patient withdraws a clinician's access; only the patient themself may do this."""
    membership = get_object_or_404(patient.care_team_memberships.active(), pk=membership_id)
    _patient_only(request, patient)
    membership_revoke(membership, by=request.user)
    messages.success(
        request, f"{membership.clinician.display_name} can no longer see your record. Invite them again to give access back."
    )
    return redirect("careteams:care-team", patient_id=patient.pk)


@require_GET
@patient_view
def access_log(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Who viewed my record: every view or change by someone other than the patient, newest first."""
    events = AccessEvent.objects.for_patient(patient).by_others().select_related("actor").order_by("-at", "-pk")
    page = Paginator(events, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "careteams/access_log.html", {"patient": patient, "page": page})
