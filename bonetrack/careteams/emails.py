"""Invitation emails, sent once the transaction that made the invitation commits.

The link's token exists only in memory until it is in the email (the database keeps its hash), so the message is
built and sent here rather than in a queued task: a token never sits in the broker. A mail server that refuses the
message leaves the invitation in place; the administrator can resend it (a new link) or the patient invite again.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from bonetrack.accounts.models import Role, User

from .models import CareTeamInvitation, StaffInvitation
from .tokens import INVITATION_VALID_FOR

logger = logging.getLogger("bonetrack.careteams")


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(template: str, subject: str, to: list[str], context: dict) -> EmailMultiAlternatives:
    context = {**context, "title": subject, "valid_days": INVITATION_VALID_FOR.days}
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string(f"careteams/email/{template}.txt", context),
        to=to,
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(render_to_string(f"careteams/email/{template}.html", context), "text/html")
    return email


def _send_on_commit(build) -> None:
    """After the commit, send the message `build` returns (None: nobody to send it to)."""

    def send():
        try:
            message = build()
            if message is not None:
                message.send()
        except Exception:  # SMTP and DNS failures have many types; the invitation stays and can be sent again
            logger.exception("An invitation email could not be sent")

    transaction.on_commit(send)


def send_staff_invitation(invitation: StaffInvitation, token: str) -> None:
    """Email the invitee their link to set a password and enrol two-factor sign-in."""

    def build():
        context = {
            "invitation": invitation,
            "name": invitation.first_name,
            "role": invitation.get_role_display().lower(),
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "An administrator",
            "accept_url": absolute(reverse("careteams:staff-invitation-accept", kwargs={"token": token})),
        }
        return _message("staff_invitation", "You are invited to BoneTrack", [invitation.email], context)

    _send_on_commit(build)


def send_care_team_invitation(invitation: CareTeamInvitation, token: str) -> None:
    """Email a clinician a patient's invitation to join their care team."""

    def build():
        context = {
            "invitation": invitation,
            "name": invitation.clinician.display_name,
            "patient_name": invitation.patient.name,
            "accept_url": absolute(reverse("careteams:invitation-open", kwargs={"token": token})),
            "worklist_url": absolute(reverse("clinic:worklist")),
        }
        subject = f"{invitation.patient.name} invites you to their care team"
        return _message("care_team_invitation", subject, [invitation.clinician.email], context)

    _send_on_commit(build)


def send_account_request_to_admins(invitation: CareTeamInvitation) -> None:
    """Tell the administrators that a patient invited an address with no clinician account (the patient is not named)."""

    def build():
        admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True))
        if not admins:
            return None
        context = {
            "email": invitation.email,
            "requests_url": absolute(reverse("admin:careteams_careteaminvitation_changelist") + "?needs_account=yes"),
        }
        return _message("account_request", "A patient invited a clinician who has no account", admins, context)

    _send_on_commit(build)
