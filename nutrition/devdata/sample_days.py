"""Realistic daily menus for the demo patient and the bench data set (NDB number, portion seq or None for grams, quantity)."""

import datetime as dt
import random

from ..models import Food, LogItem, Meal, Supplement
from ..reference_data import load

BREAKFASTS = [
    [("08121", 1, 1), ("01077", 1, 0.5), ("09040", 4, 1), ("14209", 3, 1)],
    [("01117", 1, 1), ("09316", 4, 0.5), ("12061", None, 15), ("14209", 3, 1)],
    [("01123", 1, 2), ("18075", 1, 2), ("01145", 1, 1), ("09206", 1, 1), ("14355", 3, 1)],
    [("18069", 1, 2), ("01009", 4, 1), ("01079", 1, 1), ("14209", 3, 2)],
    [("01256", 1, 1), ("09003", 4, 1), ("14209", 3, 1)],
]
LUNCHES = [
    [("18075", 1, 2), ("01009", 4, 1.5), ("09003", 4, 1)],
    [("11457", 1, 2), ("15260", 1, 1), ("04053", 1, 1), ("18069", 1, 1)],
    [("15088", 4, 1), ("18075", 1, 2), ("11090", 1, 1)],
    [("11233", 1, 2), ("01026", 2, 1.5), ("20445", 1, 0.5), ("04053", 1, 1)],
    [("01123", 1, 2), ("18069", 1, 2), ("09040", 4, 1)],
]
DINNERS = [
    [("05062", 1, 1.5), ("20445", 1, 1), ("11090", 1, 1), ("04053", 1, 1)],
    [("16427", 1, 1), ("20040", 1, 0.5), ("11090", 1, 1)],
    [("15260", 1, 1.5), ("11352", None, 200), ("11457", 1, 1)],
    [("05062", 1, 1), ("11124", None, 80), ("20445", 1, 1)],
    [("13047", None, 150), ("11352", None, 180), ("11090", 1, 1)],
]
SNACKS = [[("12061", None, 28)], [("09003", 4, 1)], [("01117", 1, 1)], [("01009", 4, 1)], [("09040", 4, 1)], []]
NDB_NOS = sorted({ndb for menus in (BREAKFASTS, LUNCHES, DINNERS, SNACKS) for menu in menus for ndb, _, _ in menu})


def foods_by_ndb() -> dict[str, Food]:
    """The menu foods with their portions, loading just them if the full table is not there yet."""
    foods = {f.ndb_no: f for f in Food.objects.reference().filter(ndb_no__in=NDB_NOS).prefetch_related("portions")}
    if len(foods) < len(NDB_NOS):
        load(only=NDB_NOS)
        foods = {f.ndb_no: f for f in Food.objects.reference().filter(ndb_no__in=NDB_NOS).prefetch_related("portions")}
    return foods


def day_items(
    patient, day: dt.date, rng: random.Random, foods: dict[str, Food], supplements: list[Supplement], tick_rate=0.85
) -> list[LogItem]:
    """One plausible day: breakfast, lunch, dinner, sometimes a snack, and most days the supplements."""
    items = []
    for meal, menus in ((Meal.BREAKFAST, BREAKFASTS), (Meal.LUNCH, LUNCHES), (Meal.DINNER, DINNERS), (Meal.SNACK, SNACKS)):
        if meal != Meal.BREAKFAST and rng.random() < 0.05:
            continue  # a meal not logged
        for ndb, seq, quantity in rng.choice(menus):
            food = foods[ndb]
            portion = next((p for p in food.portions.all() if p.seq == seq), None) if seq else None
            items.append(LogItem.from_food(patient=patient, day=day, meal=meal, food=food, quantity=quantity, portion=portion))
    for supplement in supplements:
        if rng.random() < tick_rate:
            items.append(LogItem.from_supplement(patient=patient, day=day, supplement=supplement))
    return items
