"""Demo data for the clinician workspace: TOTP enrolment for the demo clinician and admin, and a few notes."""

import datetime as dt

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.utils import timezone

from ..models import ClinicalNote
from .totp import DEMO_TOTP_SECRET

ORDER = 90

DEMO_NOTES = [
    # (days ago, text) on the main demo patient, by the demo clinician
    (200, "Discussed the latest DXA result. Encouraged resistance training twice a week and daily calcium-rich foods."),
    (30, "Reviewed her food diary with her: calcium intake is close to target on most days. Follow up at the next scan."),
]


def enrol_demo_totp(users) -> None:
    """Give each user a TOTP authenticator with the published development secret (idempotent)."""
    for user in users:
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}}
        )


def seed(demo) -> None:
    enrol_demo_totp([demo.clinician, demo.admin])
    if ClinicalNote.objects.filter(patient=demo.patient).exists():
        return
    now = timezone.now()
    ClinicalNote.objects.bulk_create(
        ClinicalNote(patient=demo.patient, author=demo.clinician, body=body, created_at=now - dt.timedelta(days=days))
        for days, body in DEMO_NOTES
    )
