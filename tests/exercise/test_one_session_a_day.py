"""One session per day: "Repeat last session" and the full-session form add to the day's session, and repeating
says first what the day already has instead of logging it twice."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from bonetrack.core.submissions import FIELD
from exercise.models import ExerciseSession, SessionEntry
from exercise.services import RepeatPlan
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _frozen(frozen_now, lowest_t):
    lowest_t(None)


def url(name, patient):
    return reverse(f"exercise:{name}", kwargs={"patient_id": patient.pk})


def token() -> dict:
    return {FIELD: str(uuid.uuid4())}


@pytest.fixture
def last_session(patient):
    session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=2))
    SessionEntryFactory(session=session, minutes=35)
    SessionEntryFactory(session=session, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8, load=15)
    return session


def today_entries(patient) -> list[tuple]:
    entries = SessionEntry.objects.filter(session__patient=patient, session__date=TODAY).order_by("position", "pk")
    return [(e.exercise.slug, e.minutes, e.sets, e.position) for e in entries]


def test_repeat_adds_to_the_session_already_logged_today(patient_client, patient, last_session):
    quick = {"date": TODAY.isoformat(), "exercise": library_exercise("single-leg-stand").pk, "minutes": 5, "load_unit": "kg"}
    patient_client.post(url("entry-add", patient), {**quick, **token()})
    response = patient_client.post(url("session-repeat", patient), token())
    assert response.status_code == 302
    assert ExerciseSession.objects.filter(patient=patient, date=TODAY).count() == 1
    assert today_entries(patient) == [
        ("single-leg-stand", 5, None, 0),
        ("brisk-walking", 35, None, 1),
        ("squat", None, 3, 2),
    ]


def test_repeating_again_asks_first_and_logs_nothing_until_told(patient_client, patient, last_session):
    patient_client.post(url("session-repeat", patient), token())
    response = patient_client.post(url("session-repeat", patient), token())  # a second, deliberate click later
    assert response.status_code == 200
    html = response.content.decode()
    assert "Today already has 2 of its 2 exercises" in html
    assert "Brisk walking" in html and "3 × 8 × 15 kg" in html
    assert 'value="skip"' in html and "disabled" in html and "Log all 2 again" in html
    assert len(today_entries(patient)) == 2

    response = patient_client.post(url("session-repeat", patient), {"duplicates": "skip", **token()}, follow=True)
    assert "Today already has every exercise" in response.content.decode()
    assert len(today_entries(patient)) == 2
    patient_client.post(url("session-repeat", patient), {"duplicates": "again", **token()})
    assert len(today_entries(patient)) == 4
    assert ExerciseSession.objects.filter(patient=patient, date=TODAY).count() == 1


def test_only_the_missing_exercises_when_today_has_some_of_them(patient_client, patient, last_session):
    walk = {"date": TODAY.isoformat(), "exercise": library_exercise("brisk-walking").pk, "minutes": 35, "load_unit": "kg"}
    patient_client.post(url("entry-add", patient), {**walk, **token()})
    html = patient_client.post(url("session-repeat", patient), token()).content.decode()
    assert "Today already has 1 of its 2 exercises" in html and "Log only the 1 missing" in html
    patient_client.post(url("session-repeat", patient), {"duplicates": "skip", **token()})
    assert today_entries(patient) == [("brisk-walking", 35, None, 0), ("squat", None, 3, 1)]


def test_a_walk_of_another_length_is_not_the_same_exercise(patient, last_session):
    day = ExerciseSessionFactory(patient=patient, date=TODAY)
    SessionEntryFactory(session=day, minutes=20)
    plan = RepeatPlan.latest_before(patient, TODAY)
    assert plan.already == [] and len(plan.missing) == 2


def test_a_flagged_exercise_is_confirmed_after_the_duplicates_question(patient_client, patient, last_session, lowest_t):
    lowest_t("-2.9")
    SessionEntryFactory(session=last_session, exercise=library_exercise("skipping-rope"), minutes=10)
    patient_client.post(url("session-repeat", patient), {"confirm_flags": "1", **token()})
    assert len(today_entries(patient)) == 3
    response = patient_client.post(url("session-repeat", patient), {"duplicates": "again", **token()})
    assert response.status_code == 200 and "Skipping rope" in response.content.decode()  # the flag question
    assert 'name="duplicates" value="again"' in response.content.decode()  # carried through
    assert len(today_entries(patient)) == 3


def test_a_full_session_on_a_day_that_has_one_is_added_to_it(patient_client, patient):
    day = ExerciseSessionFactory(patient=patient, date=TODAY, notes="Morning")
    SessionEntryFactory(session=day, minutes=20)
    data = {
        "date": TODAY.isoformat(),
        "notes": "Evening gym",
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "1",
        "entries-MAX_NUM_FORMS": "1000",
        "entries-0-exercise": library_exercise("squat").pk,
        "entries-0-sets": "3",
        "entries-0-reps": "10",
        "entries-0-load_unit": "kg",
        **token(),
    }
    assert patient_client.post(url("session-add", patient), data).status_code == 302
    session = ExerciseSession.objects.get(patient=patient, date=TODAY)
    assert session.pk == day.pk and session.notes == "Morning · Evening gym"
    assert today_entries(patient) == [("brisk-walking", 20, None, 0), ("squat", None, 3, 1)]
