"""R8 absorption rules: which foods are high in oxalate or phytate, and the tips a day's log earns.

Matching works on the USDA description ("Head, detail, detail") and food group:
- high oxalate: the head is spinach, rhubarb or beet greens, or "Chard, swiss". Dishes and products that only
  contain some spinach ("Spinach souffle", "Pasta, ... spinach", "Babyfood, ... spinach") are not matched: most of
  their calcium comes from other ingredients. Kale and the other "spinaches" (New Zealand, mustard, Malabar) are not
  on the R8 list and are not matched.
- high phytate: raw beans, soy (soybeans, tofu, soy flour, soy milk ...), bran, unleavened whole grains (whole
  grain kernels, whole-wheat matzo, tortillas, chapati, crackers), seeds and nuts (including peanuts; not coconut).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

OXALATE_HEADS = {"spinach", "rhubarb", "beet greens"}
LEGUMES = "Legumes and Legume Products"
NUTS_SEEDS = "Nut and Seed Products"
GRAINS = "Cereal Grains and Pasta"
BAKED = "Baked Products"
CEREALS = "Breakfast Cereals"
WHOLE_GRAIN_HEADS = {
    "wheat",
    "rye",
    "oats",
    "barley",
    "millet",
    "buckwheat",
    "quinoa",
    "sorghum grain",
    "amaranth grain",
    "teff",
    "spelt",
    "triticale",
    "wild rice",
    "bulgur",
    "kamut",
}
UNLEAVENED_WORDS = ("matzo", "tortilla", "chapati", "roti", "cracker")
SOY_WORDS = ("soy", "soybean", "soybeans", "tofu", "tempeh", "natto", "edamame", "okara")


def _segments(description: str) -> list[str]:
    return [part.strip().lower() for part in description.split(",")]


def _words(description: str) -> set[str]:
    return set(re.findall(r"[a-z]+", description.lower()))


def is_high_oxalate(description: str, food_group: str = "") -> bool:
    """R8: spinach, rhubarb, Swiss chard, beet greens (the food itself, not dishes containing some)."""
    segments = _segments(description)
    head = segments[0]
    if head in OXALATE_HEADS:
        return True
    if head == "chard" and len(segments) > 1 and segments[1] == "swiss":
        return True
    return head == "swiss chard"


def is_high_phytate(description: str, food_group: str = "") -> bool:
    """R8: raw beans, soy, bran, unleavened whole grains, seeds, nuts."""
    segments = _segments(description)
    head = segments[0]
    words = _words(description)
    if "coconut" in words:
        return False
    if food_group == NUTS_SEEDS or head.startswith(("nuts", "seeds")):
        return True
    if food_group == LEGUMES:
        if words & set(SOY_WORDS) or head.startswith("peanut"):
            return True
        if head.startswith("beans") and "raw" in segments:
            return True
    if "bran" in words and food_group in (GRAINS, CEREALS, BAKED):
        return True
    if food_group == GRAINS and head in WHOLE_GRAIN_HEADS:
        return True
    if food_group == BAKED and ({"whole", "wheat"} <= words or "wholewheat" in words):
        return any(word.startswith(UNLEAVENED_WORDS) for word in words)
    return False


CALCIUM_SOURCE_MG = Decimal(200)
SUPPLEMENT_DOSE_LIMIT_MG = Decimal(500)


@dataclass(frozen=True)
class Tip:
    kind: str  # "separate" | "split-dose"
    text: str
    meal: str = ""
    source: str = ""  # the guideline behind the tip, for the care team


def meal_tips(items) -> list[Tip]:
    """R8: a high-oxalate or high-phytate food in the same meal as a calcium source (≥ 200 mg in another item)."""
    tips = []
    by_meal: dict[str, list] = {}
    for item in items:
        if not item.is_supplement:
            by_meal.setdefault(item.meal, []).append(item)
    for meal, meal_items in by_meal.items():
        inhibitors = [i for i in meal_items if i.high_oxalate or i.high_phytate]
        sources = [i for i in meal_items if i.calcium_mg is not None and i.calcium_mg >= CALCIUM_SOURCE_MG]
        for inhibitor in inhibitors:
            other_sources = [s for s in sources if s.pk != inhibitor.pk]
            if other_sources:
                what = "oxalate" if inhibitor.high_oxalate else "phytate"
                tips.append(
                    Tip(
                        "separate",
                        f"{inhibitor.description} is high in {what}, which lowers the calcium absorbed from "
                        f"{other_sources[0].description} in the same meal. Try eating them at different times; "
                        "there is no need to avoid either.",
                        meal,
                    )
                )
    return tips


def supplement_tips(supplements) -> list[Tip]:
    """R8: a calcium supplement dose over 500 mg elemental: suggest splitting it."""
    return [
        Tip(
            "split-dose",
            f"One dose of {supplement} gives {supplement.dose_amount.normalize():f} mg of calcium. Absorption falls above "
            "about 500 mg at a time: split it into smaller doses through the day.",
            source="NIH ODS",
        )
        for supplement in supplements
        if supplement.kind == "calcium" and supplement.dose_amount > SUPPLEMENT_DOSE_LIMIT_MG
    ]
