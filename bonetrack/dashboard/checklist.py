"""The first-run checklist: the few things a new patient sets up, shown on their dashboard until done or hidden."""

from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone

from bonetrack.accounts.models import MenopausalStatus, PatientProfile, Sex, User
from bonetrack.careteams.models import CareTeamInvitation, CareTeamMembership
from bonetrack.core.timezones import canonical_zone
from dexa.models import DexaScan
from nutrition.models import Supplement

# What the buttons of the checklist answer, and the profile field each sets.
ANSWERS = {
    "no-scan": ("no_scan_yet", True),
    "undo-no-scan": ("no_scan_yet", False),
    "no-supplements": ("no_supplements", True),
    "undo-no-supplements": ("no_supplements", False),
}


@dataclass(frozen=True)
class Checklist:
    """Where a patient stands on each step."""

    profile_done: bool
    has_scan: bool
    no_scan_yet: bool
    has_supplement: bool
    no_supplements: bool
    clinician_name: str
    clinician_count: int
    invited_email: str
    time_zone: str
    time_zone_confirmed: bool

    @property
    def scan_done(self) -> bool:
        return self.has_scan or self.no_scan_yet

    @property
    def supplements_done(self) -> bool:
        return self.has_supplement or self.no_supplements

    @property
    def care_team_done(self) -> bool:
        return self.clinician_count > 0

    @property
    def steps_done(self) -> list[bool]:
        return [self.profile_done, self.scan_done, self.supplements_done, self.care_team_done, self.time_zone_confirmed]

    @property
    def done_count(self) -> int:
        return sum(self.steps_done)

    @property
    def complete(self) -> bool:
        return all(self.steps_done)


def profile_complete(patient: PatientProfile) -> bool:
    """Date of birth and sex are set, and a woman's menopausal status is known (it does not apply to men)."""
    known_menopause = patient.sex != Sex.FEMALE or patient.menopausal_status != MenopausalStatus.UNKNOWN
    return bool(patient.date_of_birth and patient.sex and known_menopause)


def load_checklist(patient: PatientProfile) -> Checklist:
    """The checklist's state, in one query (the patient and their user are already loaded)."""
    # The care team's state as bonetrack.careteams.services.invitation_status gives it (a clinician on the team, else an
    # invitation waiting, else none), read with the same querysets inside this one query.
    memberships = CareTeamMembership.objects.active().filter(patient=OuterRef("pk"))
    waiting = CareTeamInvitation.objects.usable().filter(patient=OuterRef("pk")).order_by("-created_at", "-pk")
    full_name = Trim(Concat("clinician__first_name", Value(" "), "clinician__last_name", output_field=CharField()))
    first_clinician = memberships.order_by("assigned_at", "pk").annotate(
        name=Coalesce(NullIf(full_name, Value("")), "clinician__email", output_field=CharField())
    )
    facts = (
        PatientProfile.objects.filter(pk=patient.pk)
        .annotate(
            has_scan=Exists(DexaScan.objects.filter(patient=OuterRef("pk"))),
            has_supplement=Exists(Supplement.objects.active().filter(patient=OuterRef("pk"))),
            clinician_name=Subquery(first_clinician.values("name")[:1]),
            clinician_count=Subquery(memberships.order_by().values("patient").annotate(n=Count("pk")).values("n")[:1]),
            invited_email=Subquery(waiting.values("email")[:1]),
        )
        .values("has_scan", "has_supplement", "clinician_name", "clinician_count", "invited_email")
        .get()
    )
    user = patient.user
    return Checklist(
        profile_done=profile_complete(patient),
        has_scan=facts["has_scan"],
        no_scan_yet=patient.no_scan_yet,
        has_supplement=facts["has_supplement"],
        no_supplements=patient.no_supplements,
        clinician_name=facts["clinician_name"] or "",
        clinician_count=facts["clinician_count"] or 0,
        invited_email=facts["invited_email"] or "",
        time_zone=canonical_zone(user.time_zone) or user.time_zone,
        time_zone_confirmed=user.time_zone_confirmed,
    )


def checklist_answer(*, patient: PatientProfile, answer: str) -> None:
    """Record "I have not had a scan" / "I don't take any supplements", or take either back."""
    field, value = ANSWERS[answer]
    setattr(patient, field, value)
    patient.save(update_fields=[field])


def checklist_hide(*, patient: PatientProfile) -> None:
    """The patient has seen enough of the checklist."""
    patient.checklist_hidden_at = timezone.now()
    patient.save(update_fields=["checklist_hidden_at"])


def time_zone_confirm(*, user: User, zone: str) -> None:
    """The person chose (or confirmed) their time zone."""
    user.time_zone, user.time_zone_confirmed = zone, True
    user.save(update_fields=["time_zone", "time_zone_confirmed"])
