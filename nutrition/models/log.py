"""The daily log: one row per food eaten or supplement taken, with its nutrients as they were when logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.date_display import format_day

from ..wording import plain_measure, short_name
from .foods import GRAMS_PER_OUNCE, MAX_ITEM_GRAMS, NUTRIENT_FIELDS, Food, Portion

if TYPE_CHECKING:
    from .supplements import Supplement


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACK = "snack", "Snacks"
    SUPPLEMENTS = "supplements", "Supplements"


FOOD_MEALS = (Meal.BREAKFAST, Meal.LUNCH, Meal.DINNER, Meal.SNACK)

# A food is logged in household portions, or by weight in one of these units.
GRAMS, OUNCES = "g", "oz"
GRAMS_PER_UNIT = {GRAMS: Decimal(1), OUNCES: GRAMS_PER_OUNCE}


class LogItemQuerySet(models.QuerySet):
    def for_day(self, patient: PatientProfile, day) -> LogItemQuerySet:
        return self.filter(patient=patient, date=day)

    def foods(self) -> LogItemQuerySet:
        return self.filter(supplement__isnull=True).exclude(meal=Meal.SUPPLEMENTS)

    def last_of(self, patient: PatientProfile, food: Food) -> LogItem | None:
        """The patient's most recently logged item of `food` (latest day, then latest logged), or None."""
        return self.filter(patient=patient, food=food).order_by("-date", "-created_at", "-pk").first()

    def totals(self) -> dict:
        """Aggregates (see `total_expressions`): sums, calcium counted toward the target, and NULL counts."""
        return renamed_totals(self.aggregate(**total_expressions()))


SUM, UNKNOWN = "sum__", "unknown__"


def total_expressions() -> dict:
    """SUM per nutrient, countable calcium (R8: not from high-oxalate foods), supplement shares, and unknown counts.

    Names are prefixed (a SUM may not share its column's name); `renamed_totals` gives `calcium_mg`, `calcium_mg_unknown`.
    """
    supplements = Q(supplement__isnull=False) | Q(meal=Meal.SUPPLEMENTS)
    expressions = {"items": Count("pk")}
    for name in NUTRIENT_FIELDS:
        expressions[f"{SUM}{name}"] = Sum(name)
        # COUNT(*) - COUNT(column) counts the NULLs: items whose amount is unknown.
        expressions[f"{UNKNOWN}{name}"] = Count("pk") - Count(name)
    expressions["calcium_countable_mg"] = Sum("calcium_mg", filter=Q(high_oxalate=False))
    expressions["calcium_oxalate_mg"] = Sum("calcium_mg", filter=Q(high_oxalate=True))
    expressions["calcium_supplement_mg"] = Sum("calcium_mg", filter=supplements)
    expressions["vitamin_d_supplement_iu"] = Sum("vitamin_d_iu", filter=supplements)
    expressions["magnesium_supplement_mg"] = Sum("magnesium_mg", filter=supplements)
    return expressions


def renamed_totals(row: dict) -> dict:
    result = {}
    for key, value in row.items():
        if key.startswith(SUM):
            result[key.removeprefix(SUM)] = value
        elif key.startswith(UNKNOWN):
            result[f"{key.removeprefix(UNKNOWN)}_unknown"] = value
        else:
            result[key] = value
    return result


class LogItem(models.Model):
    """One food eaten (or supplement taken) on a local date, with its nutrients copied at log time."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="nutrition_items")
    date = models.DateField(help_text="The patient's local date.")
    meal = models.CharField(max_length=12, choices=Meal.choices)
    food = models.ForeignKey(Food, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    portion = models.ForeignKey(Portion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supplement = models.ForeignKey(
        "nutrition.Supplement", null=True, blank=True, on_delete=models.SET_NULL, related_name="intakes"
    )
    description = models.CharField(max_length=200)
    unit_label = models.CharField(max_length=140, help_text='"cup", "g", "oz" or "tablet".')
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    grams = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    energy_kcal = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    protein_g = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    calcium_mg = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    vitamin_d_iu = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    magnesium_mg = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    vitamin_k_mcg = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    sodium_mg = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    caffeine_mg = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    high_oxalate = models.BooleanField(default=False)
    high_phytate = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = LogItemQuerySet.as_manager()

    class Meta:
        ordering = ["date", "created_at", "pk"]
        indexes = [
            models.Index(fields=["patient", "date"]),
            models.Index(fields=["patient", "food", "date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(meal__in=Meal.values), name="logitem_meal_valid"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="logitem_quantity_positive"),
            models.CheckConstraint(
                condition=Q(grams__isnull=True) | Q(grams__gt=0, grams__lte=MAX_ITEM_GRAMS), name="logitem_grams_range"
            ),
            models.UniqueConstraint(fields=["supplement", "date"], name="logitem_one_tick_per_supplement_day"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_label} {self.description}"

    @property
    def amount_label(self) -> str:
        """ "2 slice", "1.5 × 3 oz" (when the measure starts with a number), "100 g"."""
        quantity = f"{Decimal(str(self.quantity)).normalize():f}"
        separator = " × " if self.unit_label[:1].isdigit() else " "
        return f"{quantity}{separator}{self.unit_label}"

    @property
    def plain_amount_label(self) -> str:
        """ "1 small" for 'small (6" to 6-7/8" long)': `amount_label` without the measure's size details."""
        quantity = f"{Decimal(str(self.quantity)).normalize():f}"
        unit = plain_measure(self.unit_label)
        return f"{quantity}{' × ' if unit[:1].isdigit() else ' '}{unit}"

    @staticmethod
    def grams_per_unit(portion: Portion | None, unit: str = GRAMS) -> Decimal:
        """The weight of one `portion`, or of one gram or ounce (`unit`) when there is no portion."""
        return portion.gram_weight if portion is not None else GRAMS_PER_UNIT[unit]

    @classmethod
    def from_food(
        cls, *, patient, day, meal: str, food: Food, quantity, portion: Portion | None = None, unit: str = GRAMS, **extra
    ) -> LogItem:
        """An unsaved item: `quantity` portions (or grams or ounces when no portion), nutrients copied from the food."""
        item = cls(patient=patient, date=day, **extra)
        item.set_amount(food=food, meal=meal, quantity=quantity, portion=portion, unit=unit)
        return item

    def set_amount(self, *, food: Food, meal: str, quantity, portion: Portion | None = None, unit: str = GRAMS) -> None:
        """Log `quantity` of `portion` (or grams or ounces) of `food` in `meal`: grams and nutrients as the food is now."""
        quantity = Decimal(str(quantity))
        grams = (quantity * self.grams_per_unit(portion, unit)).quantize(Decimal("0.01"))
        self.meal, self.food, self.portion = meal, food, portion
        self.description = food.description
        self.unit_label = portion.label if portion is not None else unit
        self.quantity, self.grams = quantity, grams
        self.high_oxalate, self.high_phytate = food.high_oxalate, food.high_phytate
        for name, value in food.nutrients_for(grams).items():
            setattr(self, name, value)

    def change_amount(self, *, meal: str, quantity, portion: Portion | None = None, unit: str = GRAMS) -> None:
        """Save a new meal, portion or quantity for this food; nutrients are worked out again from the food."""
        self.set_amount(food=self.food, meal=meal, quantity=quantity, portion=portion, unit=unit)
        self.save()

    def copy_to(self, *, day: dt.date, meal: str, created_by, created_at: dt.datetime) -> LogItem:
        """An unsaved copy of this food on `day` in `meal`, with the amounts it was logged with."""
        return LogItem(
            patient_id=self.patient_id,
            date=day,
            meal=meal,
            food_id=self.food_id,
            portion_id=self.portion_id,
            description=self.description,
            unit_label=self.unit_label,
            quantity=self.quantity,
            grams=self.grams,
            **{name: getattr(self, name) for name in NUTRIENT_FIELDS},
            high_oxalate=self.high_oxalate,
            high_phytate=self.high_phytate,
            created_by=created_by,
            created_at=created_at,
        )

    @classmethod
    def from_supplement(cls, *, patient, day, supplement: Supplement, **extra) -> LogItem:
        """An unsaved tick: the supplement's daily amount on `day`."""
        item = cls(
            patient=patient,
            date=day,
            meal=Meal.SUPPLEMENTS,
            supplement=supplement,
            description=str(supplement),
            unit_label="tablet",
            quantity=supplement.units_per_dose * supplement.doses_per_day,
            **extra,
        )
        setattr(item, supplement.nutrient, supplement.daily_amount)
        return item

    @property
    def is_supplement(self) -> bool:
        return self.meal == Meal.SUPPLEMENTS

    @property
    def deletion_description(self) -> str:
        """What "Deleted. …" names: "1 cup Milk, whole, at breakfast on 3 Mar", or the tick of a supplement."""
        day = format_day(self.date, year=False)
        if self.is_supplement:
            return f"The tick for {self.description} on {day}"
        return f"{self.plain_amount_label} {short_name(self.description)} at {self.get_meal_display().lower()} on {day}"

    @property
    def calcium_source(self) -> bool:
        """R8: a calcium source is ≥ 200 mg in one item."""
        return self.calcium_mg is not None and self.calcium_mg >= 200
