"""What the nutrition views share: `day_params` (the day, meal and search a request is about) and the URLs."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import resolve, reverse

from nutrition.copying import CopyPlan
from nutrition.views.copying import copied_message
from nutrition.views.day import DayParams, day_params, default_meal


@pytest.fixture
def on_day_page(rf, patient):
    def request(method="get", **data):
        request = getattr(rf, method)("/", data)
        request.user = patient.user
        return request

    return request


def test_day_params_reads_the_query_string(on_day_page, patient, today):
    yesterday = today - dt.timedelta(days=1)
    params = day_params(on_day_page(date=yesterday.isoformat(), meal="dinner", q="  milk  "), patient)
    assert params == DayParams(today=today, day=yesterday, meal="dinner", query="milk")


def test_day_params_reads_the_form_on_a_post(on_day_page, patient, today):
    yesterday = today - dt.timedelta(days=1)
    request = on_day_page("post", date=yesterday.isoformat(), meal="snack")
    request.GET = request.GET.copy()
    request.GET.update({"date": today.isoformat(), "meal": "lunch"})  # the form, not the URL, is what was sent
    assert (day_params(request, patient).day, day_params(request, patient).meal) == (yesterday, "snack")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9999-12-31", "today"),
        ("1900-01-01", "birth"),
        ("2024-02-30", "today"),
        ("not a date", "today"),
        ("", "today"),
    ],
)
def test_day_params_keeps_the_day_between_birth_and_today(on_day_page, patient, today, value, expected):
    day = day_params(on_day_page(date=value), patient).day
    assert day == (today if expected == "today" else patient.date_of_birth)


def test_day_params_bounds_the_search_and_the_meal(on_day_page, patient):
    params = day_params(on_day_page(q="x" * 300, meal="supplements"), patient)
    assert params.query == "x" * 100
    assert params.meal == default_meal(patient)  # supplements are ticked, never searched into


@pytest.mark.parametrize(
    ("hour", "meal"), [(6, "breakfast"), (10, "breakfast"), (11, "lunch"), (15, "lunch"), (16, "dinner"), (21, "snack")]
)
def test_default_meal_follows_the_patients_local_time(patient, hour, meal):
    patient.user.time_zone = "America/New_York"
    moment = dt.datetime(2024, 3, 5, hour, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    with time_machine.travel(moment, tick=False):
        assert default_meal(patient) == meal


def test_on_moves_the_day_and_meal_and_keeps_the_rest():
    params = DayParams(today=dt.date(2024, 3, 5), day=dt.date(2024, 3, 5), meal="lunch", query="milk")
    assert params.on(dt.date(2024, 3, 1)) == DayParams(dt.date(2024, 3, 5), dt.date(2024, 3, 1), "lunch", "milk")
    assert params.on(dt.date(2024, 3, 1), "snack").meal == "snack"


PATHS = [
    ("day", {}, ""),
    ("food-search", {}, "search/"),
    ("item-add", {}, "items/add/"),
    ("item-edit", {"item_id": 7}, "items/7/edit/"),
    ("item-delete", {"item_id": 7}, "items/7/delete/"),
    ("favourite-toggle", {"food_id": 9}, "favourites/9/"),
    ("day-copy", {}, "copy/"),
    ("custom-food-list", {}, "foods/"),
    ("custom-food-delete", {"food_id": 9}, "foods/9/delete/"),
    ("supplement-list", {}, "supplements/"),
    ("supplement-stop", {"supplement_id": 3}, "supplements/3/stop/"),
    ("supplement-tick", {"supplement_id": 3}, "supplements/3/tick/"),
    ("targets", {}, "targets/"),
    ("trends", {}, "trends/"),
]


@pytest.mark.parametrize(("name", "kwargs", "path"), PATHS, ids=[p[0] for p in PATHS])
def test_every_nutrition_url_keeps_its_path_and_name(name, kwargs, path):
    url = reverse(f"nutrition:{name}", kwargs={"patient_id": 42, **kwargs})
    assert url == f"/patients/42/nutrition/{path}"
    match = resolve(url)
    assert (match.view_name, match.kwargs) == (f"nutrition:{name}", {"patient_id": 42, **kwargs})


def test_copied_message():
    plan = CopyPlan(None, dt.date(2024, 3, 4), "", dt.date(2024, 3, 5), "", items=[object(), object()], already=[])
    assert copied_message(plan, [object()]) == "1 item copied from 4 Mar."
    assert copied_message(plan, [object(), object()]) == "2 items copied from 4 Mar."
    assert copied_message(plan, []) == "Nothing copied: 5 Mar already has every item from 4 Mar."
    empty = CopyPlan(None, dt.date(2024, 3, 4), "", dt.date(2024, 3, 5), "", items=[], already=[])
    assert copied_message(empty, []) == "Nothing copied from 4 Mar."
