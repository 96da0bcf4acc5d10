"""The week page in plain words: kinds of work named in full, 'N days (goal: M)', and back extensions in sets × reps."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from exercise.goals import DayCategory, GoalProgress, day_marks, weekly_goals
from exercise.models import SessionEntry
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise

TODAY = dt.date(2026, 11, 22)  # Sunday, in the patient's zone (UTC) at the frozen time
MON = dt.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _frozen(frozen_now, lowest_t):
    lowest_t(None)


def week_url(patient):
    return reverse("exercise:week", kwargs={"patient_id": patient.pk})


def text_of(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        (GoalProgress("resistance", "Resistance training", 4, 2, "days"), "4 days (goal: 2)"),
        (GoalProgress("balance", "Balance", 1, 2, "days"), "1 day (goal: 2)"),
        (GoalProgress("balance", "Balance", 0, 2, "days"), "0 days (goal: 2)"),
        (GoalProgress("weight_bearing", "Weight-bearing aerobic", 95, 150, "min"), "95 minutes (goal: 150)"),
        (GoalProgress("weight_bearing", "Weight-bearing aerobic", 1, 150, "min"), "1 minute (goal: 150)"),
        (GoalProgress("posture", "Posture / back extensors", 3, 7, "days"), "3 days (goal: every day)"),
    ],
)
def test_goal_text_says_what_was_done_then_the_goal(goal, expected):
    assert goal.text == expected


def test_day_marks_are_words_in_the_order_of_the_goals():
    assert day_marks({"posture", "flexibility", "resistance", "weight_bearing"}) == [
        ("resistance", "Resistance"),
        ("weight_bearing", "Weight-bearing"),
        ("posture", "Posture"),
    ]
    assert day_marks(set()) == []


def test_week_page_reads_days_with_the_goal_and_names_the_work(patient_client, patient):
    for offset in (1, 2, 3, 4):
        session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=offset))
        SessionEntryFactory(session=session, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8)
    SessionEntryFactory(
        session=ExerciseSessionFactory(patient=patient, date=TODAY), exercise=library_exercise("brisk-walking"), minutes=40
    )
    html = patient_client.get(week_url(patient)).content.decode()
    text = text_of(html)
    assert "Resistance training 4 days (goal: 2) Met" in text
    assert "Balance 0 days (goal: 2)" in text
    assert "Weight-bearing aerobic 40 minutes (goal: 150)" in text
    assert "Posture / back extensors 0 days (goal: every day)" in text
    assert " of 2 days" not in text
    # The day strip names the work in words: four days of resistance, today's walk.
    assert html.count('<span class="mark mark-resistance">Resistance</span>') == 4
    assert html.count('<span class="mark mark-weight_bearing">Weight-bearing</span>') == 1
    assert ">R<" not in html and ">W<" not in html


def test_dashboard_panel_uses_the_same_words(patient_client, patient):
    session = ExerciseSessionFactory(patient=patient, date=TODAY)
    SessionEntryFactory(session=session, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8)
    text = text_of(patient_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode())
    assert "Resistance training 1 day (goal: 2)" in text


def test_back_extensions_are_logged_as_sets_and_reps(patient_client, patient):
    data = {
        "date": TODAY.isoformat(),
        "exercise": library_exercise("back-extensions").pk,
        "sets": "2",
        "reps": "10",
        "load_unit": "kg",
    }
    response = patient_client.post(reverse("exercise:entry-add", kwargs={"patient_id": patient.pk}), data)
    assert response.status_code == 302
    entry = SessionEntry.objects.get(session__patient=patient)
    assert (entry.exercise.slug, entry.sets, entry.reps, entry.minutes, entry.summary) == (
        "back-extensions",
        2,
        10,
        None,
        "2 × 10",
    )
    response = patient_client.get(week_url(patient))
    assert {goal.key: goal.value for goal in response.context["goals"]}["posture"] == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "sets", "Enter sets and reps (or the minutes) for back extensions."),
        ({"sets": "2"}, "reps", "Enter the reps as well as the sets."),
        ({"reps": "10"}, "sets", "Enter the sets as well as the reps."),
    ],
)
def test_back_extensions_need_both_sets_and_reps_or_the_minutes(patient_client, patient, fields, field, message):
    data = {"date": TODAY.isoformat(), "exercise": library_exercise("back-extensions").pk, "load_unit": "kg", **fields}
    response = patient_client.post(reverse("exercise:entry-add", kwargs={"patient_id": patient.pk}), data)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert not SessionEntry.objects.exists()


def test_minutes_still_count_for_back_extensions_and_only_minutes_for_balance():
    assert library_exercise("back-extensions").counts_sets_and_reps
    assert library_exercise("prone-back-raise").counts_sets_and_reps
    assert library_exercise("squat").counts_sets_and_reps
    assert not library_exercise("single-leg-stand").counts_sets_and_reps
    assert not library_exercise("brisk-walking").counts_sets_and_reps
    rows = [DayCategory(MON, "posture"), DayCategory(MON + dt.timedelta(days=1), "posture")]
    assert next(goal for goal in weekly_goals(rows) if goal.key == "posture").text == "2 days (goal: every day)"
