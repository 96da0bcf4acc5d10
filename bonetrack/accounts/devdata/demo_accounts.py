"""The demo accounts that every app's demo data hangs off (see `manage.py seed_demo`)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bonetrack.careteams.models import CareTeamMembership
from bonetrack.core.dates import add_months

from ..models import Fall, PatientProfile, Role, User

DEMO_PASSWORD = "bonetrack-demo"  # noqa: S105 - published demo password, development only; seed_demo refuses to run with DEBUG off


@dataclass
class DemoContext:
    """What the per-app demo seeders receive."""

    admin: User
    clinician: User
    patient: PatientProfile  # the main demo patient (patient@example.com)
    patients: list[PatientProfile]  # every demo patient on the clinician's list, main one first
    other_clinician: User
    today: dt.date


DEMO_PATIENTS = [
    # email, first, last, dob, sex, menopause, tz
    ("patient@example.com", "Margaret", "Hughes", dt.date(1958, 4, 12), "female", "post", "Europe/London"),
    ("helen.park@example.com", "Helen", "Park", dt.date(1961, 9, 3), "female", "post", "America/New_York"),
    ("robert.silva@example.com", "Robert", "Silva", dt.date(1952, 1, 27), "male", "n/a", "America/Chicago"),
    ("anna.kowalski@example.com", "Anna", "Kowalski", dt.date(1967, 6, 18), "female", "post", "Europe/Warsaw"),
]
# R15 answers. Margaret's parent broke a hip; Helen smokes and drinks 3 units a day (two risk factors, and the
# advice for both); Robert gave up smoking (no R5 risk factor, so his osteopenia keeps the 5-year interval); Anna has
# rheumatoid arthritis and took steroid tablets in the past.
DEMO_LIFESTYLE = {
    "patient@example.com": {
        "smoking": "never",
        "alcohol_units_per_week": 4,
        "glucocorticoids": "never",
        "parental_hip_fracture": True,
    },
    "helen.park@example.com": {"smoking": "current", "alcohol_units_per_week": 21, "glucocorticoids": "never"},
    "robert.silva@example.com": {"smoking": "former", "alcohol_units_per_week": 10, "glucocorticoids": "never"},
    "anna.kowalski@example.com": {
        "smoking": "never",
        "alcohol_units_per_week": 2,
        "glucocorticoids": "past",
        "rheumatoid_arthritis": True,
    },
}
# Falls logs as (months ago, hurt, broke a bone, notes): Helen fell twice in the past year, once hurt (R14's high
# risk of falls, and R15's balance-training advice); Robert's one fall was years ago.
DEMO_FALLS = {
    "helen.park@example.com": [
        (7, False, False, "Tripped on the garden step."),
        (2, True, False, "Slipped on a wet kitchen floor; bruised hip."),
    ],
    "robert.silva@example.com": [(40, False, False, "Missed the last stair.")],
}


def _user(email: str, first: str, last: str, role: str, tz: str = "UTC") -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "role": role, "time_zone": tz, "time_zone_confirmed": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def seed_demo_accounts() -> DemoContext:
    admin = _user("admin@example.com", "Alex", "Admin", Role.ADMIN)
    clinician = _user("clinician@example.com", "Dr Sarah", "Chen", Role.CLINICIAN, "Europe/London")
    other_clinician = _user("dr.okafor@example.com", "Dr James", "Okafor", Role.CLINICIAN, "America/New_York")
    today = timezone.localdate()
    patients = []
    for email, first, last, dob, sex, menopause, tz in DEMO_PATIENTS:
        user = _user(email, first, last, Role.PATIENT, tz)
        profile, _ = PatientProfile.objects.get_or_create(
            user=user,
            defaults={
                "date_of_birth": dob,
                "sex": sex,
                "menopausal_status": menopause,
                "height_cm": 163,
                "weight_kg": 61,
                **DEMO_LIFESTYLE[email],
            },
        )
        if email in DEMO_FALLS and not profile.falls.exists():
            Fall.objects.bulk_create(
                Fall(patient=profile, occurred_on=add_months(today, -months), injury=hurt, fracture=broke, notes=notes)
                for months, hurt, broke, notes in DEMO_FALLS[email]
            )
        CareTeamMembership.objects.get_or_create(patient=profile, clinician=clinician, defaults={"assigned_by": admin})
        patients.append(profile)
    # A patient of another clinician: the demo clinician must not see her.
    user = _user("olivia.brooks@example.com", "Olivia", "Brooks", Role.PATIENT, "America/New_York")
    outsider, _ = PatientProfile.objects.get_or_create(
        user=user, defaults={"date_of_birth": dt.date(1955, 11, 2), "sex": "female", "menopausal_status": "post"}
    )
    CareTeamMembership.objects.get_or_create(patient=outsider, clinician=other_clinician, defaults={"assigned_by": admin})
    return DemoContext(
        admin=admin,
        clinician=clinician,
        patient=patients[0],
        patients=patients,
        other_clinician=other_clinician,
        today=today,
    )
