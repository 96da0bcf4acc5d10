"""Plausible exercise histories for the demo and the benchmark (bulk inserts, deterministic with a seeded RNG)."""

import datetime as dt
import random
from decimal import Decimal

from ..library import load_library
from ..models import Exercise, ExerciseSession, SessionEntry

# Per weekday (Monday = 0): (slug, minutes, sets, reps, starting load kg) for each exercise of a usual session.
BACK = ("back-extensions", 5, None, None, None)
WEEK_PLAN = {
    0: [("brisk-walking", 35, None, None, None), ("resistance-bands", None, 3, 10, None), BACK],
    1: [("tai-chi", 25, None, None, None), ("prone-back-raise", 5, None, None, None)],
    2: [
        ("brisk-walking", 30, None, None, None),
        ("squat", None, 3, 8, 6),
        ("row", None, 3, 10, 4),
        ("heel-raises", None, 2, 15, None),
    ],
    3: [("single-leg-stand", 10, None, None, None), BACK, ("brisk-walking", 8, None, None, None)],
    4: [("elliptical", 30, None, None, None), ("wall-push-ups", None, 2, 12, None), BACK],
    5: [("dancing", 45, None, None, None), ("sit-to-stand", None, 3, 10, None), ("heel-to-toe-walk", 10, None, None, None)],
    6: [("hiking", 60, None, None, None), BACK],
}


def exercises_by_slug() -> dict[str, Exercise]:
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.all()}


def build_history(
    patient, first: dt.date, last: dt.date, rng: random.Random, library: dict[str, Exercise], *, attendance: float = 0.8
) -> list[tuple[ExerciseSession, list[SessionEntry]]]:
    """Unsaved sessions with their entries, one per attended day; loads progress slowly over the span."""
    span = max((last - first).days, 1)
    history = []
    day = first
    while day <= last:
        if rng.random() < attendance:
            progress = (day - first).days / span
            session = ExerciseSession(patient=patient, date=day, created_by=patient.user)
            entries = []
            for position, (slug, minutes, sets, reps, load) in enumerate(WEEK_PLAN[day.weekday()]):
                entry = SessionEntry(
                    exercise=library[slug],
                    minutes=max(1, minutes + rng.randint(-5, 10)) if minutes and minutes >= 10 else minutes,
                    sets=sets,
                    reps=reps,
                    load=Decimal(load + round(progress * load * 2 * 2) / 2).quantize(Decimal("0.1")) if load else None,
                    effort=rng.randint(4, 7),
                    position=position,
                )
                entries.append(entry)
            history.append((session, entries))
        day += dt.timedelta(days=1)
    return history


def save_history(history: list[tuple[ExerciseSession, list[SessionEntry]]], batch_size: int = 2000) -> int:
    """Bulk-insert sessions, then their entries; returns the number of entries."""
    sessions = ExerciseSession.objects.bulk_create([session for session, _ in history], batch_size=batch_size)
    entries = []
    for session, (_, items) in zip(sessions, history, strict=True):
        for entry in items:
            entry.session = session
            entries.append(entry)
    SessionEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
