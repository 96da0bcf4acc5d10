"""Foods (USDA SR28 plus each patient's own), the daily log, supplements and clinician target overrides.

Every logged item stores its grams and its nutrient amounts as they were when logged, so that day, meal
and trend totals are plain SUMs in the database and an unknown nutrient stays NULL (counted, never zero).

- foods.py: Food, Portion, Favourite;
- log.py: LogItem, the meals, and the totals every summary aggregates;
- supplements.py: Supplement (the daily plan) and ticking one off;
- overrides.py: NutrientTargetOverride, the care team's own targets.

NOTE: writes of more than one row are `atomic(savepoint=False)`: all or nothing on their own, and inside a
request (ATOMIC_REQUESTS) they join its transaction without a savepoint, so a failure rolls the request back.
"""

from .foods import (
    GRAMS_PER_OUNCE,
    MAX_ITEM_GRAMS,
    NUTRIENT_FIELDS,
    NUTRIENTS,
    Favourite,
    Food,
    FoodQuerySet,
    Portion,
    head_of,
    search_text,
)
from .log import FOOD_MEALS, GRAMS, OUNCES, LogItem, LogItemQuerySet, Meal, renamed_totals, total_expressions
from .overrides import NutrientTargetOverride, TargetNutrient
from .supplements import SUPPLEMENT_NUTRIENT, CalciumForm, Supplement, SupplementKind, SupplementQuerySet

__all__ = [
    "FOOD_MEALS",
    "GRAMS",
    "GRAMS_PER_OUNCE",
    "MAX_ITEM_GRAMS",
    "NUTRIENTS",
    "NUTRIENT_FIELDS",
    "OUNCES",
    "SUPPLEMENT_NUTRIENT",
    "CalciumForm",
    "Favourite",
    "Food",
    "FoodQuerySet",
    "LogItem",
    "LogItemQuerySet",
    "Meal",
    "NutrientTargetOverride",
    "Portion",
    "Supplement",
    "SupplementKind",
    "SupplementQuerySet",
    "TargetNutrient",
    "head_of",
    "renamed_totals",
    "search_text",
    "total_expressions",
]
