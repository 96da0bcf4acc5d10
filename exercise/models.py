"""The exercise library, and the sessions a patient logs against it (DOMAIN.md R9, R10)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.date_display import format_day

KG_PER_LB = Decimal("0.45359237")
MAX_LOAD_KG = Decimal(500)
MAX_LOAD_LB = Decimal("1102.3")  # 500 kg


def _between(low, high, message: str) -> list:
    return [MinValueValidator(low, message), MaxValueValidator(high, message)]


LOAD_MESSAGE = "Load must be between 0 and 500 kg (1102 lb)."


class Category(models.TextChoices):
    WEIGHT_BEARING = "weight_bearing", "Weight-bearing aerobic"
    RESISTANCE = "resistance", "Resistance"
    BALANCE = "balance", "Balance"
    POSTURE = "posture", "Posture / back extensor"
    FLEXIBILITY = "flexibility", "Flexibility"


# Categories logged as sets × reps (or minutes); the others are logged in minutes.
SETS_AND_REPS_CATEGORIES = frozenset({Category.RESISTANCE, Category.POSTURE})


class Impact(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low (brisk-walk level)"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class LoadUnit(models.TextChoices):
    KG = "kg", "kg"
    LB = "lb", "lb"


class ExerciseQuerySet(models.QuerySet):
    def active(self) -> "ExerciseQuerySet":
        return self.filter(is_active=True)

    def resistance(self) -> "ExerciseQuerySet":
        return self.filter(category=Category.RESISTANCE)


class Exercise(models.Model):
    """One exercise in the library, with what the safety rule (R10) reads: impact and spinal flexion/twisting."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    impact = models.CharField(
        max_length=8,
        choices=Impact.choices,
        help_text="Low is brisk-walk level; after a vertebral fracture, anything above it is flagged.",
    )
    spinal_flexion_or_twist = models.BooleanField(
        "loaded spinal flexion or twisting",
        default=False,
        help_text="Spine bent forward under load, or twisting with the feet planted (flagged in the osteoporosis range).",
    )
    how_to = models.TextField("how to do it")
    safer_alternative = models.CharField(max_length=300, blank=True, help_text="Shown when this exercise is flagged.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the library.")
    is_active = models.BooleanField("offered for logging", default=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="exercise_category_valid"),
            models.CheckConstraint(condition=Q(impact__in=Impact.values), name="exercise_impact_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_resistance(self) -> bool:
        return self.category == Category.RESISTANCE

    @property
    def counts_sets_and_reps(self) -> bool:
        """Resistance work and back extensor exercises (back extensions, prone back raise) are done in sets of
        repetitions, so they are logged as sets × reps, or in minutes; everything else in minutes."""
        return self.category in SETS_AND_REPS_CATEGORIES


class ExerciseSessionQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "ExerciseSessionQuerySet":
        return self.filter(patient=patient)

    def between(self, first, last) -> "ExerciseSessionQuerySet":
        return self.filter(date__range=(first, last))

    def get_or_create_for_day(self, patient, day: dt.date, *, by, notes: str = "") -> "ExerciseSession":
        """The patient's session on `day`, created by `by` when there is none; `notes` are added to the day's notes."""
        session = self.filter(patient=patient, date=day).order_by("-pk").first()
        if session is None:
            return self.create(patient=patient, date=day, created_by=by, notes=notes)
        session.add_notes(notes)
        return session


class ExerciseSession(models.Model):
    """A day's workout: one or more exercises on the patient's local date."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="exercise_sessions")
    date = models.DateField(help_text="Your local date.")
    notes = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"Exercise on {format_day(self.date)}"

    def add_notes(self, notes: str) -> None:
        """Append `notes` to the session's notes (unless already there, cut to the field's length) and save them."""
        if not notes or notes in self.notes:
            return
        limit = self._meta.get_field("notes").max_length
        self.notes = (f"{self.notes} · {notes}" if self.notes else notes)[:limit]
        self.save(update_fields=["notes", "updated_at"])

    def next_position(self) -> int:
        """The position of an entry added after the session's entries (one query)."""
        return self.entries.count()


class SessionEntryQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "SessionEntryQuerySet":
        return self.filter(session__patient=patient)

    def between(self, first, last) -> "SessionEntryQuerySet":
        return self.filter(session__date__range=(first, last))

    def flagged(self) -> "SessionEntryQuerySet":
        return self.filter(flagged=True)

    def load_kg_expression(self):
        """The entry's load in kg, whichever unit it was entered in (for aggregation)."""
        return models.Case(
            models.When(load_unit=LoadUnit.LB, then=models.F("load") * models.Value(KG_PER_LB)),
            default=models.F("load"),
            output_field=models.DecimalField(max_digits=10, decimal_places=3),
        )


class SessionEntry(models.Model):
    """One exercise within a session; flagged entries keep who confirmed them and why (R10)."""

    session = models.ForeignKey(ExerciseSession, on_delete=models.CASCADE, related_name="entries")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="entries")
    minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=_between(1, 600, "Minutes must be between 1 and 600."),
    )
    sets = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=_between(1, 20, "Sets must be between 1 and 20."),
    )
    reps = models.PositiveSmallIntegerField(
        "reps",
        null=True,
        blank=True,
        validators=_between(1, 100, "Reps must be between 1 and 100."),
    )
    load = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_between(0, MAX_LOAD_LB, LOAD_MESSAGE),
        help_text="Per rep; empty for bodyweight.",
    )
    load_unit = models.CharField(max_length=2, choices=LoadUnit.choices, default=LoadUnit.KG)
    effort = models.PositiveSmallIntegerField(
        "perceived effort",
        null=True,
        blank=True,
        validators=_between(1, 10, "Effort is from 1 to 10."),
        help_text="1 very easy, 10 maximal.",
    )
    notes = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # R10: set when an exercise flagged for this patient was logged after the confirmation step.
    flagged = models.BooleanField(default=False, db_index=True)
    flag_reasons = models.JSONField(default=list, blank=True)
    flag_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flag_confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SessionEntryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "session entries"
        constraints = [
            models.CheckConstraint(condition=Q(minutes__isnull=True) | Q(minutes__range=(1, 600)), name="entry_minutes_range"),
            models.CheckConstraint(condition=Q(sets__isnull=True) | Q(sets__range=(1, 20)), name="entry_sets_range"),
            models.CheckConstraint(condition=Q(reps__isnull=True) | Q(reps__range=(1, 100)), name="entry_reps_range"),
            models.CheckConstraint(condition=Q(effort__isnull=True) | Q(effort__range=(1, 10)), name="entry_effort_range"),
            models.CheckConstraint(condition=Q(load_unit__in=LoadUnit.values), name="entry_load_unit_valid"),
            models.CheckConstraint(
                condition=Q(load__isnull=True)
                | Q(load_unit=LoadUnit.KG, load__range=(0, MAX_LOAD_KG))
                | Q(load_unit=LoadUnit.LB, load__range=(0, MAX_LOAD_LB)),
                name="entry_load_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.summary})"

    @property
    def deletion_description(self) -> str:
        """What "Deleted. …" names: "Brisk walking: 30 min on Wed 18 Nov" (reads the session and the exercise)."""
        return f"{self.exercise.name}: {self.summary} on {format_day(self.session.date, weekday=True, year=False)}"

    def clean(self) -> None:
        if self.load is not None and self.load_kg > MAX_LOAD_KG:
            raise ValidationError({"load": LOAD_MESSAGE})

    def record_flag(self, reasons: list[str], *, by, at: dt.datetime) -> None:
        """Record the R10 reasons and who confirmed them when (no reasons: not flagged); the caller saves."""
        self.flagged = bool(reasons)
        self.flag_reasons = list(reasons)
        self.flag_confirmed_by = by if reasons else None
        self.flag_confirmed_at = at if reasons else None

    @property
    def load_kg(self) -> Decimal | None:
        if self.load is None:
            return None
        return self.load * KG_PER_LB if self.load_unit == LoadUnit.LB else self.load

    @property
    def summary(self) -> str:
        """'30 min' or '3 × 10 × 5 kg', as the patient entered it."""
        parts = []
        if self.sets and self.reps:
            work = f"{self.sets} × {self.reps}"
            if self.load is not None:
                load = f"{self.load.normalize():f}" if self.load == self.load.to_integral() else f"{self.load}"
                work += f" × {load} {self.load_unit}"
            parts.append(work)
        if self.minutes:
            parts.append(f"{self.minutes} min")
        return ", ".join(parts) or "logged"
