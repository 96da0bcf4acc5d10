import datetime as dt

from bonetrack.core.timezones import local_today
from exercise.goals import DayCategory, bout_minutes, goals_for_week, week_start, weekly_goals, weekly_history
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import PatientFactory

MON = dt.date(2026, 11, 16)


def _by_key(goals):
    return {goal.key: (goal.value, goal.met) for goal in goals}


def test_bouts_under_ten_minutes_are_excluded():
    assert bout_minutes([9, 10, 30, None, 1]) == 40


def test_weekly_goals_arithmetic():
    rows = [
        DayCategory(MON, "resistance"),
        DayCategory(MON, "resistance"),  # same day twice: still one day
        DayCategory(MON + dt.timedelta(days=2), "balance"),
        DayCategory(MON, "weight_bearing", 100),
        DayCategory(MON + dt.timedelta(days=1), "weight_bearing", 50),
        *[DayCategory(MON + dt.timedelta(days=n), "posture") for n in range(7)],
    ]
    goals = _by_key(weekly_goals(rows))
    assert goals == {
        "resistance": (1, False),
        "balance": (1, False),
        "weight_bearing": (150, True),
        "posture": (7, True),
    }


def test_weekly_history_splits_by_monday():
    sunday, monday = MON + dt.timedelta(days=6), MON + dt.timedelta(days=7)
    rows = [DayCategory(sunday, "resistance"), DayCategory(monday, "resistance"), DayCategory(monday, "balance")]
    history = weekly_history(rows, [MON, monday])
    assert [(start, _by_key(goals)["resistance"][0], _by_key(goals)["balance"][0]) for start, goals in history] == [
        (MON, 1, 0),
        (monday, 1, 1),
    ]


def test_db_aggregation_excludes_short_bouts(db):
    session = ExerciseSessionFactory(date=MON)
    SessionEntryFactory(session=session, minutes=9)
    SessionEntryFactory(session=session, minutes=10)
    SessionEntryFactory(session=ExerciseSessionFactory(patient=session.patient, date=MON + dt.timedelta(days=3)), minutes=45)
    SessionEntryFactory(session=session, exercise=library_exercise("tai-chi"), minutes=5)
    goals = _by_key(goals_for_week(session.patient, MON))
    assert goals["weight_bearing"] == (55, False)
    assert goals["balance"] == (1, False)


def test_week_boundaries_follow_the_patient_time_zone(db, frozen_now):
    """At 12:00 UTC on Sunday 22 Nov, London is still in the week of 16 Nov; Auckland has started the week of 23 Nov."""
    london = PatientFactory(user__time_zone="Europe/London")
    auckland = PatientFactory(user__time_zone="Pacific/Auckland")
    for patient in (london, auckland):
        session = ExerciseSessionFactory(patient=patient, date=dt.date(2026, 11, 22))
        SessionEntryFactory(session=session, exercise=library_exercise("resistance-bands"), minutes=None, sets=3, reps=10)
    assert week_start(local_today(london.user)) == dt.date(2026, 11, 16)
    assert week_start(local_today(auckland.user)) == dt.date(2026, 11, 23)
    assert _by_key(goals_for_week(london, week_start(local_today(london.user))))["resistance"] == (1, False)
    assert _by_key(goals_for_week(auckland, week_start(local_today(auckland.user))))["resistance"] == (0, False)
