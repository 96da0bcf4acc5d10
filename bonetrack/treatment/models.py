"""The drug catalogue, each patient's medication courses and their dose log (DOMAIN.md R11, R16)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.date_display import format_day
from bonetrack.core.timezones import local_today

from . import catalogue, schedule
from .schedule import Adherence

RECENT_DAYS = 90  # R16's recent adherence window


class DrugClass(models.TextChoices):
    ANTI_RESORPTIVE = catalogue.ANTI_RESORPTIVE, "Anti-resorptive"
    ANABOLIC = catalogue.ANABOLIC, "Anabolic"


class Family(models.TextChoices):
    BISPHOSPHONATE = catalogue.BISPHOSPHONATE, "Bisphosphonate"
    RANKL_INHIBITOR = catalogue.RANKL, "RANKL inhibitor"
    SERM = catalogue.SERM, "SERM"
    PTH_ANALOGUE = catalogue.PTH, "PTH / PTHrP analogue"
    SCLEROSTIN_INHIBITOR = catalogue.SCLEROSTIN, "Sclerostin inhibitor"
    UNSPECIFIED = catalogue.UNSPECIFIED, "Not recorded"


class Route(models.TextChoices):
    ORAL = catalogue.ORAL, "Oral"
    IV = catalogue.IV, "Intravenous"
    SC = catalogue.SC, "Injection under the skin"


Schedule = models.TextChoices("Schedule", [(key.upper(), (key, label)) for key, label in schedule.SCHEDULE_LABELS.items()])


class Drug(models.Model):
    """One osteoporosis drug of the catalogue, with the course rules of R11."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    drug_class = models.CharField("class", max_length=16, choices=DrugClass.choices)
    family = models.CharField(max_length=24, choices=Family.choices)
    max_doses = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Doses in a whole course, when limited (romosozumab: 12)."
    )
    lifetime_group = models.SlugField(
        blank=True, help_text='Drugs sharing a lifetime limit ("pth": teriparatide and abaloparatide, 24 months combined).'
    )
    review_after_years_oral = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Bisphosphonates: review after this many years of oral treatment (5)."
    )
    review_after_years_iv = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Bisphosphonates: review after this many years of IV treatment (3)."
    )
    upright_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Oral bisphosphonates: minutes to stay upright, before food, drink or other medicines (label).",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(drug_class__in=DrugClass.values), name="treatment_drug_class_valid"),
            models.CheckConstraint(condition=Q(family__in=Family.values), name="treatment_drug_family_valid"),
            models.CheckConstraint(
                condition=Q(max_doses__isnull=True) | Q(max_doses__gte=1), name="treatment_drug_max_doses_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bisphosphonate(self) -> bool:
        return self.family == Family.BISPHOSPHONATE


class Regimen(models.Model):
    """How a drug is given: route, schedule and dose (e.g. alendronate 70 mg weekly)."""

    slug = models.SlugField(unique=True)
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="regimens")
    route = models.CharField(max_length=8, choices=Route.choices)
    schedule = models.CharField(
        max_length=16, choices=Schedule.choices, null=True, blank=True, help_text="Empty: not recorded, no doses expected."
    )
    dose_label = models.CharField(max_length=100, help_text='As the patient reads it, e.g. "70 mg weekly".')
    clinic_given = models.BooleanField(
        default=False, help_text="Given by the clinic (IV, denosumab, romosozumab): doses are recorded as given."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["drug__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(route__in=Route.values), name="treatment_regimen_route_valid"),
            models.CheckConstraint(
                condition=Q(schedule__isnull=True) | Q(schedule__in=Schedule.values), name="treatment_regimen_schedule_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug.name} {self.dose_label}" if self.schedule else self.drug.name

    @property
    def oral_bisphosphonate_instructions(self) -> str:
        """R16: how to take an oral bisphosphonate (label instructions); "" for any other regimen."""
        if self.route != Route.ORAL or not self.drug.is_bisphosphonate or not self.drug.upright_minutes:
            return ""
        return (
            "Take it first thing in the morning, fasting, with a full glass of plain water. Stay upright for "
            f"{self.drug.upright_minutes} minutes before any food, drink or other medicines, calcium supplements included."
        )


class StopReason(models.TextChoices):
    FINISHED = "finished", "Course finished"
    SIDE_EFFECTS = "side_effects", "Side effects"
    COST = "cost", "Cost"
    CLINICIAN_DECISION = "clinician_decision", "Clinician's decision"
    OTHER = "other", "Other"


TAKEN_STATUSES = ("taken", "given")


# The day a course last changed: its stop, or its start while it goes on.
COURSE_CHANGED_ON = Greatest("started_on", Coalesce("ended_on", "started_on"))


class CourseQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "CourseQuerySet":
        return self.filter(patient=patient)

    def current(self) -> "CourseQuerySet":
        """Courses not stopped (an end date is never in the future, so these are the ones going on today)."""
        return self.filter(ended_on__isnull=True)

    def newest_first(self) -> "CourseQuerySet":
        return self.order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-pk")

    def latest_change_on(self) -> dt.date | None:
        """The latest day any of these courses started or stopped (R5: a drug started or changed), one query."""
        return self.aggregate(day=Max(COURSE_CHANGED_ON))["day"]

    def medication_state(self) -> tuple[bool, dt.date | None]:
        """What R5 reads, in one query: whether any course is current, and `latest_change_on()`."""
        row = self.aggregate(current=Count("pk", filter=Q(ended_on__isnull=True)), day=Max(COURSE_CHANGED_ON))
        return row["current"] > 0, row["day"]

    def with_taken_counts(self, *, since: dt.date) -> "CourseQuerySet":
        """Annotate `taken_total` (doses taken or given) and `taken_recent` (those on or after `since`)."""
        taken = Q(doses__status__in=TAKEN_STATUSES)
        return self.annotate(
            taken_total=Count("doses", filter=taken), taken_recent=Count("doses", filter=taken & Q(doses__on__gte=since))
        )

    def with_dose_on(self, day: dt.date) -> "CourseQuerySet":
        """Annotate `day_dose_id` and `day_dose_status`: the dose recorded on `day`, if any."""
        dose = Dose.objects.filter(course=OuterRef("pk"), on=day)
        return self.annotate(day_dose_id=Subquery(dose.values("pk")[:1]), day_dose_status=Subquery(dose.values("status")[:1]))


OVERLAP_MESSAGE = "This overlaps your {drug} course from {start}{end}: a drug can only have one course at a time."


class Course(models.Model):
    """A period on one regimen: started, perhaps stopped (with the reason), with its doses."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="medication_courses")
    regimen = models.ForeignKey(Regimen, on_delete=models.PROTECT, related_name="courses")
    started_on = models.DateField("started")
    ended_on = models.DateField("stopped", null=True, blank=True)
    stop_reason = models.CharField("reason stopped", max_length=24, choices=StopReason.choices, blank=True)
    prescriber = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["patient", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="treatment_course_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, stop_reason="") | Q(ended_on__isnull=False, stop_reason__in=StopReason.values),
                name="treatment_course_stop_reason_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regimen}, from {format_day(self.started_on)}"

    @property
    def drug(self) -> Drug:
        return self.regimen.drug

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def clean(self) -> None:
        errors = {}
        patient = self.patient if self.patient_id else None
        today = local_today(patient.user) if patient else None
        if self.started_on and patient:
            if self.started_on < patient.date_of_birth:
                errors["started_on"] = "The start can't be before the date of birth."
            elif self.started_on > today:
                errors["started_on"] = "The start can't be in the future."
        if self.ended_on:
            if self.started_on and self.ended_on < self.started_on:
                errors["ended_on"] = "The stop date can't be before the start."
            elif today and self.ended_on > today:
                errors["ended_on"] = "The stop date can't be in the future."
            if not self.stop_reason:
                errors["stop_reason"] = "Say why the course stopped."
        elif self.stop_reason:
            errors["stop_reason"] = "A reason is only given with a stop date."
        if self.pk and self.started_on and "started_on" not in errors:
            first_dose = self.doses.order_by("on").values_list("on", flat=True).first()
            if first_dose and first_dose < self.started_on:
                errors["started_on"] = f"A dose is recorded on {format_day(first_dose)}: the start can't be after it."
        if self.pk and self.ended_on and "ended_on" not in errors:
            last_dose = self.doses.order_by("-on").values_list("on", flat=True).first()
            if last_dose and last_dose > self.ended_on:
                errors["ended_on"] = f"A dose is recorded on {format_day(last_dose)}: the stop date can't be before it."
        if not errors and patient and self.regimen_id and self.started_on:
            clash = self.overlapping().first()
            if clash:
                end = f" to {format_day(clash.ended_on)}" if clash.ended_on else " (not stopped)"
                start = format_day(clash.started_on)
                errors["started_on"] = OVERLAP_MESSAGE.format(drug=clash.drug.name, start=start, end=end)
        if errors:
            raise ValidationError(errors)

    def overlapping(self) -> CourseQuerySet:
        """The patient's other courses of the same drug whose dates overlap this one's.

        A course may start on the day another of the same drug stops (a change of dose or schedule).
        """
        others = (
            Course.objects.for_patient(self.patient_id)
            .filter(regimen__drug_id=self.regimen.drug_id)
            .exclude(pk=self.pk)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=self.started_on))
            .select_related("regimen__drug")
        )
        if self.ended_on is not None:
            others = others.filter(started_on__lt=self.ended_on)
        return others

    def expected_dose_dates(self, *, window_start: dt.date, window_end: dt.date) -> list[dt.date]:
        return schedule.expected_dose_dates(
            schedule=self.regimen.schedule,
            started_on=self.started_on,
            ended_on=self.ended_on,
            window_start=window_start,
            window_end=window_end,
            max_doses=self.drug.max_doses,
        )

    def adherence_over(self, *, window_start: dt.date, window_end: dt.date, taken: int) -> Adherence:
        """R16 over a window, given how many doses were taken or given in it."""
        scheduled = len(self.expected_dose_dates(window_start=window_start, window_end=window_end))
        return schedule.adherence(scheduled=scheduled, taken=taken)

    def adherence_so_far(self, today: dt.date) -> Adherence:
        """Over the whole course up to today; needs `with_taken_counts`."""
        return self.adherence_over(window_start=self.started_on, window_end=today, taken=self.taken_total)

    def adherence_recent(self, today: dt.date) -> Adherence:
        """Over the last 90 days (today included); needs `with_taken_counts(since=recent_since(today))`."""
        return self.adherence_over(window_start=recent_since(today), window_end=today, taken=self.taken_recent)

    def is_dose_day(self, day: dt.date) -> bool:
        """True when the schedule expects a dose on `day`."""
        return bool(self.expected_dose_dates(window_start=day, window_end=day))

    @property
    def dose_status_choices(self) -> list[tuple[str, str]]:
        """Self-given doses are taken; clinic-given doses are given; either may be missed."""
        done = DoseStatus.GIVEN if self.regimen.clinic_given else DoseStatus.TAKEN
        return [(done.value, done.label), (DoseStatus.MISSED.value, DoseStatus.MISSED.label)]


def recent_since(today: dt.date) -> dt.date:
    """The first day of the recent window that ends today."""
    return today - dt.timedelta(days=RECENT_DAYS - 1)


class DoseStatus(models.TextChoices):
    TAKEN = "taken", "Taken"
    GIVEN = "given", "Given at the clinic"
    MISSED = "missed", "Missed"


class DoseQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "DoseQuerySet":
        return self.filter(course__patient=patient)


class Dose(models.Model):
    """One dose of a course: taken (self-given), given (at the clinic) or missed, on a day."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="doses")
    on = models.DateField("date")
    status = models.CharField(max_length=8, choices=DoseStatus.choices)
    site = models.CharField("injection site", max_length=60, blank=True)
    lot = models.CharField("lot number", max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DoseQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "on"], name="treatment_dose_once_a_day"),
            models.CheckConstraint(condition=Q(status__in=DoseStatus.values), name="treatment_dose_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.course.drug.name} {self.get_status_display().lower()} on {format_day(self.on)}"

    def clean(self) -> None:
        if not self.course_id or not self.on:
            return
        course = self.course
        errors = {}
        if self.on < course.started_on:
            errors["on"] = f"The course started on {format_day(course.started_on)}: the dose can't be before that."
        elif course.ended_on and self.on > course.ended_on:
            errors["on"] = f"The course stopped on {format_day(course.ended_on)}: the dose can't be after that."
        elif self.on > local_today(course.patient.user):
            errors["on"] = "The date can't be in the future."
        elif course.doses.filter(on=self.on).exclude(pk=self.pk).exists():
            errors["on"] = f"A dose is already recorded on {format_day(self.on)}."
        if self.status and self.status not in dict(course.dose_status_choices):
            how = "given at the clinic" if course.regimen.clinic_given else "self-given"
            allowed = " or ".join(f'"{label}"' for _, label in course.dose_status_choices)
            errors["status"] = f"{course.drug.name} is {how}: choose {allowed}."
        if errors:
            raise ValidationError(errors)
