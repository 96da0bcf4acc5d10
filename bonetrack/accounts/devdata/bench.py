"""The people of `make bench`: an admin, a clinician, and 500 patients on the clinician's list (heavy one first)."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.urls import reverse

from bonetrack.careteams.models import CareTeamMembership
from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage

from ..models import Fracture, PatientProfile, Role, User

ORDER = 0
PATIENT_COUNT = 500

FIRST_NAMES = ["Margaret", "Helen", "Anna", "Susan", "Linda", "Maria", "Ruth", "Joan", "Robert", "James", "Grace", "Irene"]
LAST_NAMES = ["Hughes", "Park", "Silva", "Kowalski", "Brooks", "Nguyen", "Okafor", "Schmidt", "Rossi", "Murphy", "Khan", "Lee"]
ZONES = ["Europe/London", "America/New_York", "America/Chicago", "Europe/Warsaw", "Asia/Tokyo", "Australia/Sydney"]


def seed(ctx: BenchContext) -> None:
    rng = ctx.rng
    unusable = make_password(None)  # nobody signs in with a password; the runner uses force_login
    people = [
        User(email="bench.admin@example.org", first_name="Bench", last_name="Admin", role=Role.ADMIN, is_staff=True),
        User(email="bench.clinician@example.org", first_name="Dr Bench", last_name="Clinician", role=Role.CLINICIAN),
    ]
    people += [
        User(
            email=f"bench.patient{number:03d}@example.org",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            role=Role.PATIENT,
            time_zone=rng.choice(ZONES),
        )
        for number in range(PATIENT_COUNT)
    ]
    for person in people:
        person.password = unusable
    User.objects.bulk_create(people)
    by_email = {user.email: user for user in User.objects.filter(email__startswith="bench.")}
    ctx.admin, ctx.clinician = by_email["bench.admin@example.org"], by_email["bench.clinician@example.org"]

    profiles = []
    for number in range(PATIENT_COUNT):
        sex = "female" if rng.random() < 0.8 else "male"
        profiles.append(
            PatientProfile(
                user=by_email[f"bench.patient{number:03d}@example.org"],
                date_of_birth=dt.date(rng.randint(1935, 1975), rng.randint(1, 12), rng.randint(1, 28)),
                sex=sex,
                menopausal_status="post" if sex == "female" else "n/a",
                height_cm=rng.randint(150, 185),
                weight_kg=rng.randint(48, 95),
                smoking="current" if rng.random() < 0.15 else "never",
                glucocorticoids="past" if rng.random() < 0.1 else "never",
            )
        )
    PatientProfile.objects.bulk_create(profiles)
    ctx.patients = list(
        PatientProfile.objects.filter(user__email__startswith="bench.patient").select_related("user").order_by("user__email")
    )
    ctx.patient = ctx.patients[0]
    CareTeamMembership.objects.bulk_create(
        CareTeamMembership(patient=patient, clinician=ctx.clinician, assigned_by=ctx.admin) for patient in ctx.patients
    )
    Fracture.objects.bulk_create(
        [
            Fracture(patient=ctx.patient, site="wrist", occurred_on=ctx.today - dt.timedelta(days=365 * 12), fragility=True),
            Fracture(patient=ctx.patient, site="vertebral", occurred_on=ctx.today - dt.timedelta(days=365 * 3), fragility=True),
            Fracture(patient=ctx.patient, site="ankle", occurred_on=ctx.today - dt.timedelta(days=365 * 30), fragility=False),
        ]
    )


def pages(ctx: BenchContext) -> list[BenchPage]:
    heavy = ctx.patient
    return [
        BenchPage(
            "dashboard (patient, heavy)",
            reverse("dashboard:patient-dashboard", args=[heavy.pk]),
            heavy.user,
            budget={"queries": 12},
        ),
        BenchPage(
            "dashboard (clinician viewing heavy patient)",
            reverse("dashboard:patient-dashboard", args=[heavy.pk]),
            ctx.clinician,
            budget={"queries": 13},
        ),
        BenchPage("profile (patient)", reverse("patients:profile", args=[heavy.pk]), heavy.user),
        BenchPage("fractures (patient)", reverse("patients:fracture-list", args=[heavy.pk]), heavy.user),
        BenchPage("risk factors and falls (patient)", reverse("patients:risk-factors", args=[heavy.pk]), heavy.user),
    ]
