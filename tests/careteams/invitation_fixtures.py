"""Invitations made directly (not through the services, which email them), with the token their link would carry."""

import datetime as dt

from django.utils import timezone

from bonetrack.careteams.models import CareTeamInvitation, StaffInvitation
from bonetrack.careteams.tokens import INVITATION_VALID_FOR, new_token


def staff_invitation(*, email: str = "invited.doctor@example.org", role: str = "clinician", invited_by=None, **fields):
    """A waiting staff invitation and its token."""
    token, token_hash = new_token()
    now = timezone.now()
    invitation = StaffInvitation.objects.create(
        email=email,
        role=role,
        first_name=fields.pop("first_name", "Nina"),
        last_name=fields.pop("last_name", "Doctor"),
        token_hash=token_hash,
        invited_by=invited_by,
        sent_at=now,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
        **fields,
    )
    return invitation, token


def care_team_invitation(*, patient, clinician, age: dt.timedelta = dt.timedelta(0)):
    """A waiting invitation from `patient` to `clinician` (sent `age` ago) and its token."""
    token, token_hash = new_token()
    sent = timezone.now() - age
    invitation = CareTeamInvitation.objects.create(
        patient=patient,
        email=clinician.email if clinician else "no.account@example.org",
        clinician=clinician,
        token_hash=token_hash,
        invited_by=patient.user,
        created_at=sent,
        expires_at=sent + INVITATION_VALID_FOR,
    )
    return invitation, token
