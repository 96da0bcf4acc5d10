"""Foods (USDA SR28 plus each patient's own), the daily log, supplements and clinician target overrides.

Every logged item stores its grams and its nutrient amounts as they were when logged, so that day, meal
and trend totals are plain SUMs in the database and an unknown nutrient stays NULL (counted, never zero).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile

# The nutrients a logged item carries: (field, label, unit).
NUTRIENTS = (
    ("energy_kcal", "Energy", "kcal"),
    ("protein_g", "Protein", "g"),
    ("calcium_mg", "Calcium", "mg"),
    ("vitamin_d_iu", "Vitamin D", "IU"),
    ("magnesium_mg", "Magnesium", "mg"),
    ("vitamin_k_mcg", "Vitamin K", "mcg"),
    ("sodium_mg", "Sodium", "mg"),
    ("caffeine_mg", "Caffeine", "mg"),
)
NUTRIENT_FIELDS = tuple(name for name, _, _ in NUTRIENTS)
GRAMS_PER_OUNCE = Decimal("28.35")
MAX_ITEM_GRAMS = 5000


class FoodQuerySet(models.QuerySet):
    def reference(self) -> "FoodQuerySet":
        """The USDA foods shared by everyone."""
        return self.filter(owner__isnull=True)

    def visible_to(self, patient: PatientProfile) -> "FoodQuerySet":
        """USDA foods plus this patient's own custom foods (never another patient's)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=patient))


class Food(models.Model):
    """A food with its nutrients per 100 g. USDA foods have an NDB number; custom foods have an owner."""

    ndb_no = models.CharField("NDB number", max_length=5, unique=True, null=True, blank=True)
    owner = models.ForeignKey(PatientProfile, null=True, blank=True, on_delete=models.CASCADE, related_name="custom_foods")
    description = models.CharField(max_length=200)
    food_group = models.CharField(max_length=60, blank=True)
    # Lower-case words padded with spaces (" milk whole 3 25 milkfat "): portable whole-word and prefix matching.
    search_text = models.CharField(max_length=240, editable=False)
    # The description up to its first comma, lower-case ("milk"): "Milk, whole" ranks above "Milk dessert, frozen".
    head = models.CharField(max_length=200, editable=False)
    energy_kcal = models.FloatField(null=True, blank=True)
    protein_g = models.FloatField(null=True, blank=True)
    calcium_mg = models.FloatField(null=True, blank=True)
    vitamin_d_mcg = models.FloatField(null=True, blank=True)
    vitamin_d_iu_source = models.FloatField("vitamin D (IU) as published", null=True, blank=True)
    magnesium_mg = models.FloatField(null=True, blank=True)
    vitamin_k_mcg = models.FloatField("vitamin K1 (phylloquinone)", null=True, blank=True)
    vitamin_k_mk4_mcg = models.FloatField("menaquinone-4", null=True, blank=True)
    sodium_mg = models.FloatField(null=True, blank=True)
    caffeine_mg = models.FloatField(null=True, blank=True)
    in_sr_legacy = models.BooleanField(default=True)
    common = models.BooleanField(default=False, help_text="An everyday staple: ranked first among equal search matches.")
    high_oxalate = models.BooleanField(default=False, help_text="R8: calcium shown but not counted toward the target.")
    high_phytate = models.BooleanField(default=False, help_text="R8: suggest eating apart from calcium sources.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FoodQuerySet.as_manager()

    class Meta:
        ordering = ["description"]
        indexes = [models.Index(fields=["owner", "description"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ndb_no__isnull=False, owner__isnull=True) | Q(ndb_no__isnull=True, owner__isnull=False),
                name="food_reference_or_custom",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}), name=f"food_{name}_non_negative"
                )
                for name in ("energy_kcal", "protein_g", "calcium_mg", "magnesium_mg", "sodium_mg", "caffeine_mg")
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_custom(self) -> bool:
        return self.owner_id is not None

    @property
    def vitamin_d_iu(self) -> float | None:
        """IU as published, else µg × 40 (1 µg = 40 IU); None when SR28 has neither."""
        if self.vitamin_d_iu_source is not None:
            return self.vitamin_d_iu_source
        if self.vitamin_d_mcg is not None:
            return round(self.vitamin_d_mcg * 40, 1)
        return None

    @property
    def vitamin_k_total_mcg(self) -> float | None:
        """K1 plus MK-4 where published (IOM does not split K1 and K2); unknown when K1 is unknown."""
        if self.vitamin_k_mcg is None:
            return None
        return self.vitamin_k_mcg + (self.vitamin_k_mk4_mcg or 0)

    def per_100g(self) -> dict[str, float | None]:
        """The logged nutrients per 100 g, None where unknown."""
        return {
            "energy_kcal": self.energy_kcal,
            "protein_g": self.protein_g,
            "calcium_mg": self.calcium_mg,
            "vitamin_d_iu": self.vitamin_d_iu,
            "magnesium_mg": self.magnesium_mg,
            "vitamin_k_mcg": self.vitamin_k_total_mcg,
            "sodium_mg": self.sodium_mg,
            "caffeine_mg": self.caffeine_mg,
        }

    def nutrients_for(self, grams: Decimal | float) -> dict[str, Decimal | None]:
        """Nutrient amounts in `grams` of this food (value per 100 g × grams ÷ 100), None where unknown."""
        grams = Decimal(str(grams))
        return {
            name: None if value is None else (Decimal(str(value)) * grams / 100).quantize(Decimal("0.01"))
            for name, value in self.per_100g().items()
        }


class Portion(models.Model):
    """A household measure of a food (USDA WEIGHT): `amount` × `measure` weighs `gram_weight` grams."""

    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="portions")
    seq = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=8, decimal_places=3)
    measure = models.CharField(max_length=120)
    gram_weight = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["food", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["food", "seq"], name="portion_unique_seq"),
            models.CheckConstraint(condition=Q(gram_weight__gt=0), name="portion_grams_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="portion_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.gram_weight.normalize():f} g)"

    @property
    def label(self) -> str:
        amount = self.amount.normalize()
        return f"{amount:f} {self.measure}" if amount != 1 else self.measure


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACK = "snack", "Snacks"
    SUPPLEMENTS = "supplements", "Supplements"


FOOD_MEALS = (Meal.BREAKFAST, Meal.LUNCH, Meal.DINNER, Meal.SNACK)


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


class SupplementQuerySet(models.QuerySet):
    def active(self) -> "SupplementQuerySet":
        return self.filter(active=True)

    def with_taken_on(self, day) -> "SupplementQuerySet":
        """Annotate `taken` (ticked off on `day`)."""
        return self.annotate(taken=Exists(LogItem.objects.filter(supplement=OuterRef("pk"), date=day)))


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


class LogItemQuerySet(models.QuerySet):
    def for_day(self, patient: PatientProfile, day) -> "LogItemQuerySet":
        return self.filter(patient=patient, date=day)

    def foods(self) -> "LogItemQuerySet":
        return self.filter(supplement__isnull=True).exclude(meal=Meal.SUPPLEMENTS)

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
    supplement = models.ForeignKey(Supplement, null=True, blank=True, on_delete=models.SET_NULL, related_name="intakes")
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

    @classmethod
    def from_food(cls, *, patient, day, meal: str, food: Food, quantity, portion: Portion | None = None, **extra) -> "LogItem":
        """An unsaved item: `quantity` portions (or grams when no portion), nutrients copied from the food."""
        quantity = Decimal(str(quantity))
        grams = (quantity * portion.gram_weight if portion else quantity).quantize(Decimal("0.01"))
        return cls(
            patient=patient,
            date=day,
            meal=meal,
            food=food,
            portion=portion,
            description=food.description,
            unit_label=portion.label if portion else "g",
            quantity=quantity,
            grams=grams,
            high_oxalate=food.high_oxalate,
            high_phytate=food.high_phytate,
            **food.nutrients_for(grams),
            **extra,
        )

    @classmethod
    def from_supplement(cls, *, patient, day, supplement: "Supplement", **extra) -> "LogItem":
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
    def calcium_source(self) -> bool:
        """R8: a calcium source is ≥ 200 mg in one item."""
        return self.calcium_mg is not None and self.calcium_mg >= 200


class Favourite(models.Model):
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="favourite_foods")
    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["food__description"]
        constraints = [models.UniqueConstraint(fields=["patient", "food"], name="favourite_unique")]

    def __str__(self) -> str:
        return str(self.food)


class TargetNutrient(models.TextChoices):
    CALCIUM = "calcium_mg", "Calcium (mg)"
    VITAMIN_D = "vitamin_d_iu", "Vitamin D (IU)"
    MAGNESIUM = "magnesium_mg", "Magnesium (mg)"
    VITAMIN_K = "vitamin_k_mcg", "Vitamin K (mcg)"
    PROTEIN = "protein_g", "Protein (g)"
    SODIUM = "sodium_mg", "Sodium limit (mg)"
    CAFFEINE = "caffeine_mg", "Caffeine limit (mg)"


class NutrientTargetOverride(models.Model):
    """A care-team member's daily target for one nutrient of one patient; wins over the R7 default."""

    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="nutrient_targets")
    nutrient = models.CharField(max_length=16, choices=TargetNutrient.choices)
    value = models.DecimalField(max_digits=8, decimal_places=1)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "nutrient"], name="target_override_unique"),
            models.CheckConstraint(condition=Q(nutrient__in=TargetNutrient.values), name="target_override_nutrient_valid"),
            models.CheckConstraint(condition=Q(value__gt=0, value__lte=100000), name="target_override_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_nutrient_display()}: {self.value.normalize():f}"


def copy_expression_fields() -> list[str]:
    """LogItem fields copied when a day or meal is copied."""
    return [
        "food_id",
        "portion_id",
        "description",
        "unit_label",
        "quantity",
        "grams",
        *NUTRIENT_FIELDS,
        "high_oxalate",
        "high_phytate",
    ]
