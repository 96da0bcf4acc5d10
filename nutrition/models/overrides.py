"""The care team's own daily targets for a patient, which win over the R7 defaults (nutrition.targets)."""

from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.events import record_event


class TargetNutrient(models.TextChoices):
    CALCIUM = "calcium_mg", "Calcium (mg)"
    VITAMIN_D = "vitamin_d_iu", "Vitamin D (IU)"
    MAGNESIUM = "magnesium_mg", "Magnesium (mg)"
    VITAMIN_K = "vitamin_k_mcg", "Vitamin K (mcg)"
    PROTEIN = "protein_g", "Protein (g)"
    SODIUM = "sodium_mg", "Sodium limit (mg)"
    CAFFEINE = "caffeine_mg", "Caffeine limit (mg)"


class NutrientTargetOverrideQuerySet(models.QuerySet):
    def by_nutrient(self, patient: PatientProfile) -> dict[str, "NutrientTargetOverride"]:
        """The patient's overrides keyed by nutrient, with who set them."""
        return {override.nutrient: override for override in self.filter(patient=patient).select_related("set_by")}

    @transaction.atomic(savepoint=False)
    def set_values(
        self,
        *,
        patient: PatientProfile,
        values: dict[str, Decimal | None],
        by,
        reasons: dict[str, str] | None = None,
        current: dict[str, "NutrientTargetOverride"] | None = None,
    ) -> None:
        """Save a care-team member's targets: a value sets the override, None clears it (back to the default rule).

        `reasons` gives why a target is above its upper limit (R7), by nutrient. Unchanged values and reasons are
        left alone, so "set by" keeps naming whoever chose them. `current` is `by_nutrient(patient)` when the
        caller has it already. The changes go on the record's timeline as one event.
        """
        current = self.by_nutrient(patient) if current is None else current
        reasons = reasons or {}
        changes = []
        for nutrient, value in values.items():
            override = current.get(nutrient)
            reason = reasons.get(nutrient, "")
            if value is None and override is not None:
                override.delete()
            elif value is not None and (override is None or (override.value, override.reason) != (value, reason)):
                self.update_or_create(
                    patient=patient,
                    nutrient=nutrient,
                    defaults={"value": value, "reason": reason, "set_by": by, "set_at": timezone.now()},
                )
            else:
                continue  # unchanged
            after = _target_text(None if value is None else (value, reason))
            changes.append({"field": TargetNutrient(nutrient).label, "before": _target_text(override), "after": after})
        if changes:
            names = ", ".join(_plain_name(change["field"]) for change in changes)
            summary = f"Daily targets changed: {names}."
            record_event(patient, "targets_changed", by=by, summary=summary, details={"changes": changes})


def _plain_name(label: str) -> str:
    """A target's label as words in a sentence: "Vitamin D (IU)" becomes "vitamin D"."""
    name = label.split(" (")[0]
    return name[:1].lower() + name[1:]


def _target_text(target) -> str:
    """An override, or a (value, reason) pair, as the timeline shows it; None is the default rule."""
    if target is None:
        return "default"
    value, reason = (target.value, target.reason) if isinstance(target, NutrientTargetOverride) else target
    text = f"{Decimal(value).normalize():f}"
    return f"{text} ({reason})" if reason else text


class NutrientTargetOverride(models.Model):
    """A care-team member's daily target for one nutrient of one patient; wins over the R7 default."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="nutrient_targets")
    nutrient = models.CharField(max_length=16, choices=TargetNutrient.choices)
    value = models.DecimalField(max_digits=8, decimal_places=1)
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why the target is above the upper limit (R7); required for such a target."
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = NutrientTargetOverrideQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "nutrient"], name="target_override_unique"),
            models.CheckConstraint(condition=Q(nutrient__in=TargetNutrient.values), name="target_override_nutrient_valid"),
            models.CheckConstraint(condition=Q(value__gt=0, value__lte=100000), name="target_override_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_nutrient_display()}: {self.value.normalize():f}"
