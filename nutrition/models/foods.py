"""Foods (USDA SR28 plus each patient's own), their household portions, and a patient's favourites."""

import re
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile

from ..wording import plain_measure

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


def search_text(description: str) -> str:
    """Lower-case words separated and surrounded by single spaces, for LIKE '% word%' matching."""
    return " " + " ".join(re.findall(r"[0-9a-z]+", description.lower())) + " "


def head_of(description: str) -> str:
    return description.split(",", 1)[0].strip().lower()


class FoodQuerySet(models.QuerySet):
    def reference(self) -> "FoodQuerySet":
        """The USDA foods shared by everyone."""
        return self.filter(owner__isnull=True)

    def visible_to(self, patient: PatientProfile) -> "FoodQuerySet":
        """USDA foods plus this patient's own custom foods (never another patient's)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=patient))

    @transaction.atomic(savepoint=False)
    def create_custom(
        self,
        *,
        owner: PatientProfile,
        description: str,
        per_100g: dict[str, Decimal | None],
        serving_name: str = "",
        serving_grams: Decimal | None = None,
    ) -> "Food":
        """A patient's own food from its nutrients per 100 g (None where unknown), with its serving as a portion."""
        food = self.create(owner=owner, food_group="My foods", **custom_food_fields(description, per_100g))
        if serving_grams:
            Portion.objects.create(food=food, seq=1, amount=1, measure=serving_name or "serving", gram_weight=serving_grams)
        return food


def custom_food_fields(description: str, per_100g: dict[str, Decimal | None]) -> dict:
    """The Food fields of a patient's own food: its name, search words and nutrients per 100 g (None where unknown)."""
    per_100g = dict(per_100g)
    # Vitamin D is entered in IU: kept as published, like SR28's own IU column.
    vitamin_d = per_100g.pop("vitamin_d_iu", None)
    return {
        "description": description,
        "search_text": search_text(description),
        "head": head_of(description),
        "vitamin_d_iu_source": None if vitamin_d is None else float(round(vitamin_d, 2)),
        **{name: None if value is None else float(round(value, 3)) for name, value in per_100g.items()},
    }


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

    @transaction.atomic(savepoint=False)
    def update_custom(
        self,
        *,
        description: str,
        per_100g: dict[str, Decimal | None],
        serving_name: str = "",
        serving_grams: Decimal | None = None,
    ) -> None:
        """Correct a patient's own food: name, nutrients per 100 g and its serving (none: the serving is removed).

        Days it was logged on keep the amounts they were logged with (each LogItem holds its own copy); new logs use these.
        """
        fields = custom_food_fields(description, per_100g)
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=list(fields))
        serving = self.portions.filter(seq=1).first()
        if not serving_grams:
            if serving is not None:
                serving.delete()
        elif serving is None:
            Portion.objects.create(food=self, seq=1, amount=1, measure=serving_name or "serving", gram_weight=serving_grams)
        else:
            serving.amount, serving.measure, serving.gram_weight = 1, serving_name or "serving", serving_grams
            serving.save(update_fields=["amount", "measure", "gram_weight"])

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

    @property
    def plain_label(self) -> str:
        """The label without size details ("small", "slice", "2 tbsp"), for choices and chips."""
        amount = self.amount.normalize()
        measure = plain_measure(self.measure)
        return f"{amount:f} {measure}" if amount != 1 else measure


class FavouriteQuerySet(models.QuerySet):
    @transaction.atomic(savepoint=False)
    def toggle(self, *, patient: PatientProfile, food: Food) -> bool:
        """Make `food` one of the patient's favourites, or stop when it is one; True when it is a favourite now."""
        deleted, _ = self.filter(patient=patient, food=food).delete()
        if deleted:
            return False
        self.create(patient=patient, food=food)
        return True


class Favourite(models.Model):
    patient = models.ForeignKey(PatientProfile, on_delete=models.CASCADE, related_name="favourite_foods")
    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = FavouriteQuerySet.as_manager()

    class Meta:
        ordering = ["food__description"]
        constraints = [models.UniqueConstraint(fields=["patient", "food"], name="favourite_unique")]

    def __str__(self) -> str:
        return str(self.food)
