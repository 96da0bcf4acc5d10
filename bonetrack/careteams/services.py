"""Care team changes: memberships and patients' invitations to clinicians. Each records its event on the patient's
timeline (`record_event`) in the transaction of the change."""

import hmac
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, Role, User
from bonetrack.audit.events import record_event

from . import emails
from .models import CareTeamInvitation, CareTeamMembership
from .tokens import INVITATION_VALID_FOR, hash_token, new_token


class AlreadyOnCareTeam(Exception):
    def __init__(self, clinician: User):
        super().__init__(f"{clinician.display_name} is already on the care team.")
        self.clinician = clinician


# Memberships --------------------------------------------------------------------------------------------------


def _joined(membership: CareTeamMembership, *, by, how: str) -> None:
    clinician = membership.clinician
    record_event(
        membership.patient,
        "care_team_joined",
        by=by,
        summary=f"{clinician.display_name} joined the care team.",
        details={"clinician": clinician.display_name, "how": how},
    )


@transaction.atomic
def membership_assign(*, patient: PatientProfile, clinician: User, by, how: str) -> CareTeamMembership:
    """Put `clinician` on `patient`'s care team, restoring access the patient had revoked; nothing if already on it.

    `how` says why, for the timeline's details: "invitation accepted", "assigned by an administrator", ….
    """
    membership, created = CareTeamMembership.objects.select_for_update().get_or_create(
        patient=patient, clinician=clinician, defaults={"assigned_by": by if getattr(by, "pk", None) else None}
    )
    if created:
        _joined(membership, by=by, how=how)
    elif not membership.is_active:
        membership.restore(by=by)
        _joined(membership, by=by, how=how)
    return membership


@transaction.atomic
def membership_added(membership: CareTeamMembership, *, by) -> None:
    """An administrator saved a new membership in the admin: record it on the timeline."""
    _joined(membership, by=by, how="assigned by an administrator")


@transaction.atomic
def membership_restore(membership: CareTeamMembership, *, by) -> None:
    """An administrator gives back access the patient had revoked."""
    membership.restore(by=by)
    _joined(membership, by=by, how="access restored by an administrator")


@transaction.atomic
def membership_revoke(membership: CareTeamMembership, *, by) -> None:
    """The patient withdraws a clinician's access."""
    membership.revoke(by=by)
    record_event(
        membership.patient,
        "care_team_revoked",
        by=by,
        summary=f"{membership.clinician.display_name} can no longer see the record (access revoked).",
        details={"clinician": membership.clinician.display_name},
    )


@transaction.atomic
def membership_remove(membership: CareTeamMembership, *, by) -> None:
    """An administrator takes a clinician off the care team altogether (the row is deleted)."""
    record_event(
        membership.patient,
        "care_team_left",
        by=by,
        summary=f"{membership.clinician.display_name} left the care team.",
        details={"clinician": membership.clinician.display_name, "how": "removed by an administrator"},
    )
    membership.delete()


# Patients invite their clinicians -------------------------------------------------------------------------------


def _clinician_with_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email, role=Role.CLINICIAN, is_active=True).first()


@transaction.atomic
def care_team_invitation_create(*, patient: PatientProfile, email: str, by: User) -> CareTeamInvitation:
    """The patient invites `email` to their care team.

    A registered clinician gets an email with a link (and the invitation on their worklist); any other address goes
    to the administrators, who may invite it as staff. The patient is told the same either way. An invitation to the
    same address still waiting is returned as it is; an expired one is replaced.
    Raises AlreadyOnCareTeam when the address is a clinician already on the team.
    """
    email = email.strip().lower()
    PatientProfile.objects.select_for_update().filter(pk=patient.pk).first()  # one invitation at a time per patient
    clinician = _clinician_with_email(email)
    if clinician and patient.care_team_memberships.active().filter(clinician=clinician).exists():
        raise AlreadyOnCareTeam(clinician)
    waiting = patient.care_team_invitations.open().filter(email__iexact=email).first()
    now = timezone.now()
    if waiting and waiting.expires_at > now:
        return waiting
    if waiting:
        # Expired: it is replaced by the new one.
        CareTeamInvitation.objects.filter(pk=waiting.pk).update(cancelled_at=now)
    token, token_hash = new_token()
    invitation = CareTeamInvitation.objects.create(
        patient=patient,
        email=email,
        clinician=clinician,
        token_hash=token_hash,
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    record_event(
        patient,
        "care_team_invited",
        by=by,
        summary=f"Invited {email} to join the care team.",
        details={"email": email},
    )
    if clinician:
        emails.send_care_team_invitation(invitation, token)
    else:
        emails.send_account_request_to_admins(invitation)
    return invitation


def care_team_invitation_by_token(token: str) -> CareTeamInvitation | None:
    """The invitation whose link carries `token`, in any state (None if there is none)."""
    digest = hash_token(token)
    invitation = CareTeamInvitation.objects.select_related("patient__user", "clinician").filter(token_hash=digest).first()
    return invitation if invitation and hmac.compare_digest(invitation.token_hash, digest) else None


@transaction.atomic
def care_team_invitation_accept(invitation: CareTeamInvitation, *, clinician: User) -> CareTeamMembership | None:
    """The invited clinician accepts: they join the care team. None if it was already answered, cancelled or expired.

    The conditional UPDATE makes it single use: of two answers at once, only one finds the row still open.
    """
    claimed = CareTeamInvitation.objects.usable().filter(pk=invitation.pk, clinician=clinician).update(accepted_at=timezone.now())
    if not claimed:
        return None
    return membership_assign(patient=invitation.patient, clinician=clinician, by=clinician, how="invitation accepted")


@transaction.atomic
def care_team_invitation_decline(invitation: CareTeamInvitation, *, clinician: User) -> bool:
    """The invited clinician declines; False if it was no longer open."""
    return bool(
        CareTeamInvitation.objects.usable().filter(pk=invitation.pk, clinician=clinician).update(declined_at=timezone.now())
    )


@transaction.atomic
def care_team_invitation_cancel(invitation: CareTeamInvitation, *, patient: PatientProfile) -> bool:
    """The patient withdraws an invitation not yet answered; False if it was no longer open."""
    return bool(CareTeamInvitation.objects.open().filter(pk=invitation.pk, patient=patient).update(cancelled_at=timezone.now()))


# For the first-run checklist ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationStatus:
    """Where a patient's care team stands: "none", "pending" (with the address invited) or "active" (with a name)."""

    state: str
    clinician_email: str = ""
    clinician_name: str = ""


def invitation_status(patient: PatientProfile) -> InvitationStatus:
    """ "active" once a clinician is on the care team, else "pending" while an invitation waits, else "none"."""
    membership = patient.care_team_memberships.active().select_related("clinician").order_by("assigned_at", "pk").first()
    if membership:
        return InvitationStatus(
            "active", clinician_email=membership.clinician.email, clinician_name=membership.clinician.display_name
        )
    waiting = patient.care_team_invitations.usable().order_by("-created_at", "-pk").first()
    if waiting:
        return InvitationStatus("pending", clinician_email=waiting.email)
    return InvitationStatus("none")
