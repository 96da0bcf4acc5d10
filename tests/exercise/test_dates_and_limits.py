"""Exercise dates are days the patient lived (birth to today); week navigation and session forms are bounded."""

import datetime as dt

import pytest
from django.urls import reverse

from exercise.forms import MAX_ENTRIES_PER_SESSION
from exercise.models import ExerciseSession
from tests.exercise.factories import library_exercise

TODAY = dt.date(2026, 11, 22)  # the frozen now, in the patient's zone (UTC)
BEFORE_BIRTH = ["0001-01-01", "1900-01-01", "1958-05-19"]  # the patient was born on 20 May 1958


@pytest.fixture(autouse=True)
def _frozen(frozen_now, lowest_t):
    lowest_t(None)


def url(name, patient):
    return reverse(f"exercise:{name}", kwargs={"patient_id": patient.pk})


def walk(day: str) -> dict:
    return {"date": day, "exercise": library_exercise("brisk-walking").pk, "minutes": "30", "load_unit": "kg"}


@pytest.mark.parametrize("day", BEFORE_BIRTH)
@pytest.mark.parametrize("htmx", [False, True])
def test_quick_add_refuses_a_day_before_birth(patient_client, patient, day, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = patient_client.post(url("entry-add", patient), walk(day), **headers)
    assert response.status_code == (200 if htmx else 422)
    assert response.context["form"].errors["date"] == ["The date can't be before the date of birth (20 May 1958)."]
    assert not ExerciseSession.objects.exists()


def test_quick_add_accepts_the_day_of_birth(patient_client, patient):
    response = patient_client.post(url("entry-add", patient), walk("1958-05-20"))
    assert response.status_code == 302
    assert ExerciseSession.objects.get().date == dt.date(1958, 5, 20)


@pytest.mark.parametrize("day", BEFORE_BIRTH)
def test_session_form_refuses_a_day_before_birth(patient_client, patient, day):
    data = {
        "date": day,
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-0-exercise": library_exercise("brisk-walking").pk,
        "entries-0-minutes": "30",
        "entries-0-load_unit": "kg",
    }
    response = patient_client.post(url("session-add", patient), data)
    assert response.status_code == 422
    assert response.context["form"].errors["date"] == ["The date can't be before the date of birth (20 May 1958)."]
    assert not ExerciseSession.objects.exists()


@pytest.mark.parametrize(
    ("week", "first"),
    [
        ("0001-01-01", dt.date(1958, 5, 19)),  # the Monday of the week of birth
        ("1900-06-01", dt.date(1958, 5, 19)),
        ("9999-12-31", dt.date(2026, 11, 16)),  # this week
        ("2020-02-30", dt.date(2026, 11, 16)),  # not a date
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_week_navigation_stays_between_the_week_of_birth_and_this_week(patient_client, patient, week, first, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = patient_client.get(url("week", patient), {"week": week}, **headers)
    assert response.status_code == 200
    assert response.context["week_first"] == first


def test_a_session_form_claiming_thousands_of_entries_is_refused_without_building_them(patient_client, patient):
    data = {
        "date": TODAY.isoformat(),
        "entries-TOTAL_FORMS": "100000",
        "entries-INITIAL_FORMS": "0",
        "entries-0-exercise": library_exercise("brisk-walking").pk,
        "entries-0-minutes": "30",
        "entries-0-load_unit": "kg",
    }
    response = patient_client.post(url("session-add", patient), data)
    assert response.status_code == 422
    formset = response.context["formset"]
    assert len(formset.forms) == MAX_ENTRIES_PER_SESSION
    assert formset.non_form_errors() == [f"Please submit at most {MAX_ENTRIES_PER_SESSION} forms."]
    assert not ExerciseSession.objects.exists()
