"""Administrators invite clinicians and admins by email; the invitee chooses their own password from the link.

No administrator ever types a staff member's password: the account is created only when the invitee accepts.
"""

import hmac
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, User

from . import emails
from .models import CareTeamInvitation, StaffInvitation, StaffRole
from .services import membership_assign
from .tokens import INVITATION_VALID_FOR, hash_token, new_token

# Why a link no longer works, as the invitee reads it.
UNUSABLE = {
    "unknown": "This invitation link is not valid. It may have been copied incompletely: open it from the email again.",
    "expired": "This invitation has expired — ask your administrator for a new one.",
    "accepted": "This invitation has already been used. Sign in with the password you chose.",
    "revoked": "This invitation was withdrawn — ask your administrator if you still need an account.",
    "account_exists": "An account with this email address already exists. Sign in, or ask your administrator.",
}


class InvitationUnusable(Exception):
    def __init__(self, reason: str):
        super().__init__(UNUSABLE[reason])
        self.reason = reason


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def _issue(invitation: StaffInvitation) -> str:
    """Give the invitation a fresh link valid from now; returns the token (never stored)."""
    token, invitation.token_hash = new_token()
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + INVITATION_VALID_FOR
    return token


@transaction.atomic
def staff_invitation_create(
    *, email: str, first_name: str, last_name: str, role: str, patients: Iterable[PatientProfile], by: User
) -> StaffInvitation:
    """Invite `email` as a clinician (who joins `patients`' care teams on accepting) or an admin, and email the link."""
    invitation = StaffInvitation(
        email=email.strip().lower(), first_name=first_name, last_name=last_name, role=role, invited_by=by
    )
    token = _issue(invitation)
    invitation.created_at = invitation.sent_at
    invitation.full_clean(exclude=["patients"])
    invitation.save()
    if role == StaffRole.CLINICIAN:
        invitation.patients.set(patients)
    emails.send_staff_invitation(invitation, token)
    return invitation


@transaction.atomic
def staff_invitation_resend(invitation: StaffInvitation) -> bool:
    """A new link, valid 7 days from now, emailed again; the old link stops working. False if accepted or revoked."""
    invitation = StaffInvitation.objects.select_for_update().open().filter(pk=invitation.pk).first()
    if invitation is None:
        return False
    token = _issue(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    emails.send_staff_invitation(invitation, token)
    return True


@transaction.atomic
def staff_invitation_revoke(invitation: StaffInvitation, *, by: User) -> bool:
    """Withdraw an invitation not yet accepted (its link then says so). False if it was accepted or revoked already."""
    return bool(StaffInvitation.objects.open().filter(pk=invitation.pk).update(revoked_at=timezone.now(), revoked_by=by))


def staff_invitation_by_token(token: str) -> StaffInvitation:
    """The invitation whose link carries `token`, if the link still works; else InvitationUnusable with the reason."""
    digest = hash_token(token)
    invitation = StaffInvitation.objects.filter(token_hash=digest).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        raise InvitationUnusable("unknown")
    if invitation.accepted_at:
        raise InvitationUnusable("accepted")
    if invitation.revoked_at:
        raise InvitationUnusable("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("expired")
    if account_exists(invitation.email):
        raise InvitationUnusable("account_exists")
    return invitation


@transaction.atomic
def staff_invitation_accept(invitation: StaffInvitation, *, first_name: str, last_name: str, password: str) -> User:
    """Create the invitee's account with the password they chose, on the care teams the invitation names.

    The conditional UPDATE claims the invitation: a second use of the link, even at the same moment, finds it
    accepted and raises InvitationUnusable. The address counts as verified: the link proved it.
    """
    now = timezone.now()
    if not StaffInvitation.objects.usable().filter(pk=invitation.pk).update(accepted_at=now):
        raise InvitationUnusable("accepted")
    if account_exists(invitation.email):
        raise InvitationUnusable("account_exists")
    is_admin = invitation.role == StaffRole.ADMIN
    inviter = invitation.invited_by
    user = User.objects.create_user(
        invitation.email,
        password,
        first_name=first_name,
        last_name=last_name,
        role=invitation.role,
        time_zone=inviter.time_zone if inviter else "UTC",
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    StaffInvitation.objects.filter(pk=invitation.pk).update(user=user)
    if invitation.role == StaffRole.CLINICIAN:
        for patient in invitation.patients.select_related("user"):
            membership_assign(patient=patient, clinician=user, by=user, how="invited by an administrator")
        # Patients who asked for this clinician see their invitation accepted.
        invitation.care_team_requests.open().update(accepted_at=now, clinician=user)
    return user


@transaction.atomic
def staff_invitation_from_requests(requests: Iterable[CareTeamInvitation], *, by: User) -> list[StaffInvitation]:
    """Invite as clinicians the addresses patients asked for (one invitation per address, on those patients' teams).

    An address with an invitation already open gets the patients added to it and a fresh link.
    """
    by_email: dict[str, list[CareTeamInvitation]] = {}
    for request in requests:
        if request.clinician_id is None and request.status == "waiting":
            by_email.setdefault(request.email.lower(), []).append(request)
    invitations = []
    for email, asked in by_email.items():
        if account_exists(email):
            continue
        patients = [request.patient for request in asked]
        invitation = StaffInvitation.objects.open().filter(email__iexact=email).first()
        if invitation is None:
            invitation = staff_invitation_create(
                email=email, first_name="", last_name="", role=StaffRole.CLINICIAN, patients=patients, by=by
            )
        else:
            if invitation.role == StaffRole.CLINICIAN:
                invitation.patients.add(*patients)
            staff_invitation_resend(invitation)
        CareTeamInvitation.objects.filter(pk__in=[request.pk for request in asked]).update(staff_invitation=invitation)
        invitations.append(invitation)
    return invitations
