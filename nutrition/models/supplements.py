"""A patient's daily supplement plan, and ticking a supplement off for a day."""

import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile
from bonetrack.undo.models import DeletedItem
from bonetrack.undo.services import delete_with_undo

from .log import LogItem


class SupplementKind(models.TextChoices):
    CALCIUM = "calcium", "Calcium"
    VITAMIN_D3 = "vitamin_d3", "Vitamin D3"
    MAGNESIUM = "magnesium", "Magnesium"
    VITAMIN_K2 = "vitamin_k2", "Vitamin K2"


# What one unit of each kind contributes to, and in which unit it is entered.
SUPPLEMENT_NUTRIENT = {
    SupplementKind.CALCIUM: ("calcium_mg", "mg elemental calcium"),
    SupplementKind.VITAMIN_D3: ("vitamin_d_iu", "IU"),
    SupplementKind.MAGNESIUM: ("magnesium_mg", "mg"),
    SupplementKind.VITAMIN_K2: ("vitamin_k_mcg", "mcg"),
}


class CalciumForm(models.TextChoices):
    CARBONATE = "carbonate", "Calcium carbonate (take with food)"
    CITRATE = "citrate", "Calcium citrate"


# What a plan line says, as the patient enters and corrects it.
PLAN_FIELDS = ("kind", "calcium_form", "name", "amount_per_unit", "units_per_dose", "doses_per_day")


class SupplementQuerySet(models.QuerySet):
    def active(self) -> "SupplementQuerySet":
        return self.filter(active=True)

    def with_taken_on(self, day) -> "SupplementQuerySet":
        """Annotate `taken` (ticked off on `day`) and `taken_as`, what the tick recorded (the plan may have changed since)."""
        ticks = LogItem.objects.filter(supplement=OuterRef("pk"), date=day)
        return self.annotate(taken=Exists(ticks), taken_as=Subquery(ticks.values("description")[:1]))


class Supplement(models.Model):
    """One line of a patient's daily supplement plan, e.g. calcium citrate 315 mg, 2 tablets, twice a day."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="supplements")
    kind = models.CharField(max_length=16, choices=SupplementKind.choices)
    calcium_form = models.CharField(max_length=16, choices=CalciumForm.choices, blank=True)
    name = models.CharField(max_length=100, blank=True, help_text="Brand or label, optional.")
    amount_per_unit = models.DecimalField(
        "amount per tablet",
        max_digits=8,
        decimal_places=1,
        help_text="Calcium: elemental mg. Vitamin D3: IU. Magnesium: mg. K2: mcg.",
    )
    units_per_dose = models.PositiveSmallIntegerField("tablets per dose", default=1)
    doses_per_day = models.PositiveSmallIntegerField("doses a day", default=1)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SupplementQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SupplementKind.values), name="supplement_kind_valid"),
            models.CheckConstraint(condition=Q(amount_per_unit__gt=0), name="supplement_amount_positive"),
            models.CheckConstraint(condition=Q(units_per_dose__range=(1, 10)), name="supplement_units_range"),
            models.CheckConstraint(condition=Q(doses_per_day__range=(1, 6)), name="supplement_doses_range"),
        ]

    def __str__(self) -> str:
        label = self.name or (self.get_calcium_form_display().split(" (")[0] if self.calcium_form else self.get_kind_display())
        return f"{label}, {self.dose_amount.normalize():f} {self.unit} × {self.doses_per_day} a day"

    @property
    def nutrient(self) -> str:
        return SUPPLEMENT_NUTRIENT[self.kind][0]

    @property
    def unit(self) -> str:
        return SUPPLEMENT_NUTRIENT[self.kind][1].split(" ")[0]

    @property
    def dose_amount(self) -> Decimal:
        """One dose: amount per tablet × tablets per dose."""
        return Decimal(str(self.amount_per_unit)) * self.units_per_dose

    @property
    def daily_amount(self) -> Decimal:
        return self.dose_amount * self.doses_per_day

    @transaction.atomic(savepoint=False)
    def toggle_taken(self, day: dt.date, *, by) -> DeletedItem | None:
        """Tick this supplement off for `day`, or untick it when it was ticked.

        None when it is taken now; after an untick, the tick in the recycle bin (Undo puts it back for a day).
        """
        tick = self.intakes.filter(date=day).first()
        if tick is not None:
            return delete_with_undo(tick, patient=self.patient, by=by, description=tick.deletion_description)
        LogItem.from_supplement(patient=self.patient, day=day, supplement=self, created_by=by).save()
        return None

    def save_changes(self) -> None:
        """Save a corrected plan line (changed in memory, e.g. by SupplementForm with commit=False).

        Days already ticked keep the amounts they were ticked with: each tick is a LogItem holding its own copy.
        """
        self.save(update_fields=PLAN_FIELDS)

    def stop(self) -> None:
        """Take this supplement off the plan; the days it was ticked keep their amounts."""
        self.active = False
        self.save(update_fields=["active"])
