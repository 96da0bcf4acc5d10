"""Which household portion the add form starts with when the patient has not logged the food before."""

import re
from collections.abc import Sequence
from decimal import Decimal

from .models import Portion

# The measures people use for one helping, best first: "slice" (bread, cheese), "medium"/"small" (fruit, eggs),
# "container" (yogurt), plain "cup" (milk, juice), "oz" (nuts, cheese, meat), "tbsp" (spreads).
PREFERRED_MEASURES = ("slice", "medium", "small", "container", "cup", "oz", "tbsp", "large", "piece", "serving", "each")
# Measures that describe a preparation ("cup, diced") or a shop quantity ("lb", "package"), never one helping.
PREPARED = re.compile(
    r"\b(diced|shredded|chopped|melted|mashed|sliced|slices|slivered|ground|grated|crumbled|cubed|cubes|pieces|halves|"
    r"whole|pureed|crushed|packed|flaked)\b"
)
SHOP_QUANTITIES = frozenset({"lb", "quart", "gallon", "pint", "package", "bunch", "head", "loaf", "stick", "can", "jar"})
# A typical helping weighs this much; a portion with more energy than MAX_SERVING_KCAL is not one helping.
SERVING_GRAMS = (Decimal(30), Decimal(250))
MAX_SERVING_KCAL = 400


def measure_word(measure: str) -> str:
    """The unit a measure is counted in: "fl oz" for "fl oz", "cup" for "cup, diced", "slice" for "slice (1 oz)"."""
    match = re.match(r"\s*(fl oz|[a-z]+)", measure.lower())
    return match.group(1) if match else ""


def default_portion(portions: Sequence[Portion], energy_kcal_per_100g: float | None) -> Portion | None:
    """The portion a first helping of the food most likely is; None when the food has no household portions.

    Portions are compared on, in order: not a preparation or shop quantity ("cup, diced", "cup slices", "lb");
    at most MAX_SERVING_KCAL (a cup of almonds is 828 kcal); a measure from PREFERRED_MEASURES, earlier first;
    grams nearest the typical 30–250 g; USDA's own order.
    """

    def rank(portion: Portion) -> tuple:
        measure = portion.measure.lower()
        word = measure_word(measure)
        avoided = word in SHOP_QUANTITIES or (word == "cup" and bool(PREPARED.search(measure)))
        kcal = None if energy_kcal_per_100g is None else Decimal(str(energy_kcal_per_100g)) * portion.gram_weight / 100
        too_much = kcal is not None and kcal > MAX_SERVING_KCAL
        preference = PREFERRED_MEASURES.index(word) if word in PREFERRED_MEASURES else len(PREFERRED_MEASURES)
        low, high = SERVING_GRAMS
        off_by = max(low - portion.gram_weight, portion.gram_weight - high, Decimal(0))
        return (avoided, too_much, preference, off_by, portion.seq)

    return min(portions, key=rank, default=None)
