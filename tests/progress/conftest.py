import datetime as dt
from decimal import Decimal

import pytest

from exercise.library import load_library
from exercise.models import Category, Exercise, ExerciseSession, SessionEntry
from nutrition.models import LogItem, Meal


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty report cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress-tests"}}
    from django.core.cache import cache

    cache.clear()


def log(patient, day: dt.date, *, calcium=None, vitamin_d=None, oxalate=False, supplement=False) -> LogItem:
    """One logged item with the given amounts (mg, IU), as food or as a supplement tick."""
    return LogItem.objects.create(
        patient=patient,
        date=day,
        meal=Meal.SUPPLEMENTS if supplement else Meal.LUNCH,
        description="Calcium tablet" if supplement else ("Spinach" if oxalate else "Milk"),
        unit_label="tablet" if supplement else "g",
        quantity=Decimal(1),
        calcium_mg=None if calcium is None else Decimal(calcium),
        vitamin_d_iu=None if vitamin_d is None else Decimal(vitamin_d),
        high_oxalate=oxalate,
    )


def exercise_of(category: str) -> Exercise:
    load_library()
    return Exercise.objects.filter(category=category).order_by("position", "pk").first()


def train(patient, day: dt.date, category: str, minutes: int = 20) -> SessionEntry:
    session, _ = ExerciseSession.objects.get_or_create(patient=patient, date=day)
    return SessionEntry.objects.create(session=session, exercise=exercise_of(category), minutes=minutes)


def full_week(patient, monday: dt.date, *, walking_minutes: int = 150) -> None:
    """A week meeting every R9 goal (unless `walking_minutes` < 150): resistance and balance on 2 days, posture daily."""
    for offset in range(7):
        train(patient, monday + dt.timedelta(days=offset), Category.POSTURE, 5)
    for offset in (0, 3):
        train(patient, monday + dt.timedelta(days=offset), Category.RESISTANCE)
        train(patient, monday + dt.timedelta(days=offset), Category.BALANCE)
    bouts, rest = divmod(walking_minutes, 30)
    for offset in range(bouts):
        train(patient, monday + dt.timedelta(days=offset), Category.WEIGHT_BEARING, 30)
    if rest:
        train(patient, monday + dt.timedelta(days=6), Category.WEIGHT_BEARING, rest)
