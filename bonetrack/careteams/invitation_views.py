"""The pages an invitation link opens: a new staff member sets their password; a clinician answers a patient."""

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.account.models import Login
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.core.htmx import HtmxHttpRequest

from .forms import AcceptStaffInvitationForm
from .models import CareTeamInvitation
from .services import care_team_invitation_accept, care_team_invitation_by_token, care_team_invitation_decline
from .staff_invitations import InvitationUnusable, staff_invitation_accept, staff_invitation_by_token

# What a clinician reads when a patient's invitation can no longer be answered.
CARE_TEAM_UNUSABLE = {
    "unknown": "This invitation link is not valid. It may have been copied incompletely: open it from the email again.",
    "expired": "This invitation has expired — ask the patient to invite you again.",
    "accepted": "You have already accepted this invitation.",
    "declined": "You have already declined this invitation.",
    "cancelled": "The patient has withdrawn this invitation.",
}


def _unusable(request: HtmxHttpRequest, message: str, *, unknown: bool) -> TemplateResponse:
    # 404 for a link that names nothing, 410 for one that did but no longer works.
    response = TemplateResponse(
        request, "careteams/invitation_unusable.html", {"message": message}, status=404 if unknown else 410
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def staff_invitation_accept_view(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The invitee chooses a password, is signed in and goes on to set up two-factor sign-in, then the worklist."""
    try:
        invitation = staff_invitation_by_token(token)
    except InvitationUnusable as refused:
        return _unusable(request, str(refused), unknown=refused.reason == "unknown")
    initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
    form = AcceptStaffInvitationForm(request.POST or None, invitation=invitation, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_invitation_accept(
                invitation, first_name=data["first_name"], last_name=data["last_name"], password=data["password1"]
            )
        except InvitationUnusable as refused:
            return _unusable(request, str(refused), unknown=False)
        if request.user.is_authenticated:
            logout(request)
        login = Login(user=user, email=user.email, redirect_url=reverse("clinic:worklist"))
        response = perform_password_login(request, {"email": user.email}, login)
        if request.user.is_authenticated:
            # The password was typed on this very page: it stands for the confirmation allauth asks before an
            # authenticator is added, so enrolment follows without asking for it again.
            reauthenticate_by_password(request)
        return response
    status = 422 if form.errors else 200
    response = TemplateResponse(
        request, "careteams/staff_invitation_accept.html", {"invitation": invitation, "form": form}, status=status
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _answer(request: HtmxHttpRequest, invitation: CareTeamInvitation) -> HttpResponse:
    """Accept or decline, from the button pressed; back to the worklist with what happened."""
    patient_name = invitation.patient.name
    if request.POST.get("answer") == "accept":
        if care_team_invitation_accept(invitation, clinician=request.user) is None:
            messages.error(request, "This invitation can no longer be accepted.")
            return redirect("clinic:worklist")
        messages.success(request, f"You are now on {patient_name}'s care team.")
        return redirect("dashboard:patient-dashboard", patient_id=invitation.patient_id)
    if request.POST.get("answer") == "decline":
        if care_team_invitation_decline(invitation, clinician=request.user):
            messages.success(request, f"You declined {patient_name}'s invitation.")
        else:
            messages.error(request, "This invitation can no longer be declined.")
        return redirect("clinic:worklist")
    messages.error(request, "Choose Accept or Decline.")
    return redirect("clinic:worklist")


@require_http_methods(["GET", "POST"])
@login_required
def invitation_open(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A patient's invitation opened from the email: only the clinician it was sent to may answer it."""
    invitation = care_team_invitation_by_token(token)
    if invitation is None or invitation.clinician_id != request.user.pk:
        # Someone else's link reads exactly like a wrong one.
        return _unusable(request, CARE_TEAM_UNUSABLE["unknown"], unknown=True)
    if invitation.status != "waiting":
        return _unusable(request, CARE_TEAM_UNUSABLE[invitation.status], unknown=False)
    if request.method == "POST":
        return _answer(request, invitation)
    response = TemplateResponse(request, "careteams/invitation_open.html", {"invitation": invitation})
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def invitation_respond(request: HtmxHttpRequest, invitation_id: int) -> HttpResponse:
    """Accept or decline a patient's invitation from the list on the worklist."""
    invitation = get_object_or_404(CareTeamInvitation.objects.for_clinician(request.user), pk=invitation_id)
    return _answer(request, invitation)
