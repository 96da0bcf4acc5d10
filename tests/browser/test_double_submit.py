"""A double click sends a create form once (the button is disabled while it is on its way), htmx or not; and the
copy and repeat questions send the chosen answer."""

import datetime as dt
import importlib
import time

import pytest
from playwright.sync_api import expect

from bonetrack.core.timezones import local_today
from bonetrack.labs.models import LabResult
from exercise.library import load_library
from exercise.models import ExerciseSession, SessionEntry
from nutrition.models import Food, LogItem
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import PatientFactory


@pytest.fixture(autouse=True)
def library(transactional_db):
    load_library()


def posts_to(page, path_part: str) -> list[str]:
    sent: list[str] = []

    def record(request):
        if request.method == "POST" and path_part in request.url:
            sent.append(request.url)

    page.on("request", record)
    return sent


def slow(monkeypatch, target: str):
    """Make a write take half a second, so that the second click lands while the first request is on its way."""
    module, name = target.rsplit(".", 1)
    owner = importlib.import_module(module)
    real = getattr(owner, name)

    def delayed(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, delayed)


def test_double_click_on_exercise_quick_add_logs_once(live_server, sign_in, page, monkeypatch):
    slow(monkeypatch, "exercise.services.entry_log")
    patient = PatientFactory(user__time_zone="Europe/London")
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/exercise/")
    sent = posts_to(page, "/exercise/log/")
    page.get_by_label("Exercise:").select_option(label="Brisk walking")
    page.get_by_label("Minutes:").fill("30")
    button = page.get_by_role("button", name="Log it")
    button.dblclick()
    expect(page.locator("#messages")).to_contain_text("Logged brisk walking: 30 min")
    expect(page.locator("#week-body .entry")).to_have_count(1)
    assert len(sent) == 1
    assert SessionEntry.objects.count() == 1


def test_double_click_on_a_plain_form_posts_once(live_server, sign_in, page, monkeypatch):
    slow(monkeypatch, "bonetrack.labs.views.consume_form_token")
    patient = PatientFactory(user__time_zone="Europe/London")
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/labs/")
    sent = posts_to(page, "/labs/")
    page.get_by_label("Test:").select_option(label="25(OH)D (vitamin D)")
    page.get_by_label("Date the sample was taken:").fill("2024-05-01")
    page.get_by_label("Result:").fill("75")
    page.get_by_label("Unit:").select_option("nmol/L")
    page.get_by_role("button", name="Add result").dblclick()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert len(sent) == 1
    assert LabResult.objects.count() == 1


def test_copying_a_day_again_asks_and_copies_only_what_is_missing(live_server, sign_in, page):
    patient = PatientFactory(user__time_zone="Europe/London")
    today = local_today(patient.user)
    food = Food.objects.create(
        ndb_no="99101", description="Yoghurt, plain", search_text=" yoghurt plain ", head="yoghurt", calcium_mg=120
    )
    for day in (today - dt.timedelta(days=1), today):
        LogItem.objects.create(
            patient=patient, date=day, meal="breakfast", food=food, description=food.description, unit_label="g",
            quantity=150, grams=150, calcium_mg=180,
        )  # fmt: skip
    other = Food.objects.create(ndb_no="99102", description="Sardines", search_text=" sardines ", head="sardines", calcium_mg=380)
    LogItem.objects.create(
        patient=patient, date=today - dt.timedelta(days=1), meal="lunch", food=other, description=other.description,
        unit_label="g", quantity=90, grams=90, calcium_mg=342,
    )  # fmt: skip
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/nutrition/")
    page.get_by_role("button", name=f"Copy into {today.day} {today:%b}").click()
    question = page.locator(".copy-confirm")
    expect(question).to_contain_text("already has 1 of the 2 items")
    expect(question).to_contain_text("Breakfast: 150 g Yoghurt, plain")
    page.get_by_role("button", name="Copy only the 1 missing").click()
    expect(page.locator("#messages")).to_contain_text("1 item copied")
    assert sorted(LogItem.objects.filter(date=today).values_list("description", flat=True)) == ["Sardines", "Yoghurt, plain"]


def test_repeating_a_session_already_repeated_asks_first(live_server, sign_in, page):
    patient = PatientFactory(user__time_zone="UTC")
    today = local_today(patient.user)
    source = ExerciseSessionFactory(patient=patient, date=today - dt.timedelta(days=2))
    SessionEntryFactory(session=source, exercise=library_exercise("brisk-walking"), minutes=30)
    SessionEntryFactory(session=source, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8)
    SessionEntryFactory(session=ExerciseSessionFactory(patient=patient, date=today), minutes=30)
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/exercise/")
    page.get_by_role("button", name="Repeat last session").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Today already has 1 of its 2 exercises")
    page.get_by_role("button", name="Log only the 1 missing").click()
    expect(page.locator("#messages")).to_contain_text("1 exercise logged for today")
    assert ExerciseSession.objects.filter(patient=patient, date=today).count() == 1
    assert sorted(SessionEntry.objects.filter(session__date=today).values_list("exercise__slug", flat=True)) == [
        "brisk-walking",
        "squat",
    ]
