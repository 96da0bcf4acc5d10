"""Demo data: four years of exercise for the demo patient (back past her last two scans, for the progress report; one
session with a flagged exercise), and a few weeks for others."""

import datetime as dt
import random

from django.utils import timezone

from bonetrack.core.timezones import local_today

from ..models import Category, ExerciseSession, SessionEntry
from ..safety import bone_status_for
from .generate import build_history, exercises_by_slug, save_history

ORDER = 60  # after the DEXA demo, so that the flag reflects the demo patient's scans
MAIN_DAYS = 4 * 365 + 1

# Used only if no scan data is available when the demo is seeded.
FALLBACK_REASON = (
    "Loaded forward bending or twisting of the spine: flagged because the latest scan was in the osteoporosis range."
)


def seed(demo) -> None:
    library = exercises_by_slug()
    rng = random.Random(40)
    for index, patient in enumerate(demo.patients):
        if ExerciseSession.objects.filter(patient=patient).exists():
            continue
        today = local_today(patient.user)
        yesterday = today - dt.timedelta(days=1)
        if index == 0:
            history = build_history(patient, today - dt.timedelta(days=MAIN_DAYS), yesterday, rng, library)
            _posture_every_session(history, library)
            flagged_day = today - dt.timedelta(days=40)
            history = [(s, e) for s, e in history if s.date != flagged_day]
            save_history(history)
            _flagged_session(patient, flagged_day, library)
        else:
            attendance = (0.75, 0.4, 0.2)[(index - 1) % 3]
            save_history(build_history(patient, today - dt.timedelta(weeks=8), yesterday, rng, library, attendance=attendance))


def _posture_every_session(history, library) -> None:
    """The demo patient does her back extensions on every day she exercises (R9's daily posture goal)."""
    for _, entries in history:
        if not any(entry.exercise.category == Category.POSTURE for entry in entries):
            entries.append(SessionEntry(exercise=library["back-extensions"], minutes=5, effort=4, position=len(entries)))


def _flagged_session(patient, day: dt.date, library) -> None:
    sit_ups = library["sit-ups"]
    reasons = bone_status_for(patient).reasons_for(sit_ups) or [FALLBACK_REASON]
    session = ExerciseSession.objects.create(patient=patient, date=day, created_by=patient.user, notes="Class at the gym")
    SessionEntry.objects.bulk_create(
        [
            SessionEntry(session=session, exercise=library["brisk-walking"], minutes=30, effort=5, position=0),
            SessionEntry(
                session=session,
                exercise=sit_ups,
                sets=2,
                reps=15,
                effort=6,
                position=1,
                flagged=True,
                flag_reasons=reasons,
                flag_confirmed_by=patient.user,
                flag_confirmed_at=timezone.now() - dt.timedelta(days=40),
            ),
            SessionEntry(session=session, exercise=library["back-extensions"], minutes=5, effort=4, position=2),
        ]
    )
