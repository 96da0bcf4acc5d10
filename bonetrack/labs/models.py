"""Laboratory results relevant to bone health: 25(OH)D and serum calcium (DOMAIN.md R12)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.date_display import format_day

from . import rules


class Test(models.TextChoices):
    VITAMIN_D = rules.VITAMIN_D, "25(OH)D (vitamin D)"
    CALCIUM = rules.CALCIUM, "Serum calcium"


class Unit(models.TextChoices):
    NG_ML = rules.NG_ML, "ng/mL"
    NMOL_L = rules.NMOL_L, "nmol/L"
    MG_DL = rules.MG_DL, "mg/dL"
    MMOL_L = rules.MMOL_L, "mmol/L"


class LabResultQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "LabResultQuerySet":
        return self.filter(patient=patient)

    def newest_first(self) -> "LabResultQuerySet":
        return self.order_by("-taken_on", "-pk")


class LabResult(models.Model):
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="lab_results")
    test = models.CharField(max_length=16, choices=Test.choices)
    # In the canonical unit: ng/mL for 25(OH)D, mg/dL for calcium.
    value = models.DecimalField(max_digits=6, decimal_places=2)
    entered_value = models.DecimalField(max_digits=6, decimal_places=2)
    entered_unit = models.CharField(max_length=8, choices=Unit.choices)
    taken_on = models.DateField("date the sample was taken")
    # The lab's own reference range (calcium only), in mg/dL.
    range_low = models.DecimalField("lab range low (mg/dL)", max_digits=5, decimal_places=2, null=True, blank=True)
    range_high = models.DecimalField("lab range high (mg/dL)", max_digits=5, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LabResultQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["patient", "taken_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(test__in=Test.values), name="labs_test_valid"),
            models.CheckConstraint(condition=Q(value__gt=0), name="labs_value_positive"),
            models.CheckConstraint(condition=Q(entered_value__gt=0), name="labs_entered_value_positive"),
            models.CheckConstraint(
                condition=~Q(test=Test.VITAMIN_D) | Q(value__lte=rules.VITAMIN_D_MAX), name="labs_vitamin_d_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(test=Test.CALCIUM) | Q(value__gte=rules.CALCIUM_MIN, value__lte=rules.CALCIUM_MAX),
                name="labs_calcium_plausible",
            ),
            models.CheckConstraint(
                condition=Q(test=Test.VITAMIN_D, entered_unit__in=[Unit.NG_ML, Unit.NMOL_L])
                | Q(test=Test.CALCIUM, entered_unit__in=[Unit.MG_DL, Unit.MMOL_L]),
                name="labs_unit_matches_test",
            ),
            models.CheckConstraint(
                condition=Q(test=Test.CALCIUM) | Q(range_low__isnull=True, range_high__isnull=True),
                name="labs_range_calcium_only",
            ),
            models.CheckConstraint(
                condition=Q(range_low__isnull=True) | Q(range_high__isnull=True) | Q(range_low__lt=F("range_high")),
                name="labs_range_low_below_high",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.entered_text} on {format_day(self.taken_on)}"

    @property
    def canonical_unit(self) -> str:
        return rules.CANONICAL_UNIT[self.test]

    @property
    def entered_text(self) -> str:
        return f"{rules.format_number(self.entered_value)} {self.entered_unit}"

    @property
    def canonical_text(self) -> str:
        return f"{rules.format_number(self.value)} {self.canonical_unit}"

    @property
    def in_canonical_unit(self) -> bool:
        return self.entered_unit == self.canonical_unit

    @property
    def uses_lab_range(self) -> bool:
        return self.range_low is not None and self.range_high is not None

    @property
    def interpretation(self) -> rules.Interpretation:
        return rules.interpret(self.test, self.value, self.range_low, self.range_high)

    @property
    def reference_range_text(self) -> str:
        """The range a calcium result is judged against, e.g. "Usual range 8.5–10.2 mg/dL"; "" for 25(OH)D."""
        if self.test != Test.CALCIUM:
            return ""
        low, high = rules.calcium_range(self.range_low, self.range_high)
        kind = "Lab range" if self.uses_lab_range else "Usual range"
        return f"{kind} {rules.format_number(low)}–{rules.format_number(high)} mg/dL"
