"""Which rows of the full-session form are checked against R10: the kept rows whose exercise is new."""

import pytest

from exercise.forms import entry_formset
from exercise.models import Exercise
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise


def bound_formset(session, rows: list[dict], *, initial: int):
    data = {"entries-TOTAL_FORMS": str(len(rows)), "entries-INITIAL_FORMS": str(initial)}
    data.update({"entries-MIN_NUM_FORMS": "1", "entries-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(rows):
        data.update({f"entries-{i}-{key}": str(value) for key, value in row.items()})
    exercises = list(Exercise.objects.active())
    formset = entry_formset(extra=1)(data, instance=session, prefix="entries", form_kwargs={"exercises": exercises})
    assert formset.is_valid(), formset.errors
    return formset


@pytest.fixture
def session(patient):
    return ExerciseSessionFactory(patient=patient)


def slugs(forms) -> list[str]:
    return [form.cleaned_data["exercise"].slug for form in forms]


def test_added_rows_are_checked_and_blank_or_deleted_ones_are_not(session):
    rows = [
        {"exercise": library_exercise("sit-ups").pk, "sets": 2, "reps": 10, "load_unit": "kg"},
        {"exercise": library_exercise("jumping").pk, "minutes": 5, "load_unit": "kg", "DELETE": "on"},
        {"exercise": "", "load_unit": "kg"},
    ]
    formset = bound_formset(session, rows, initial=0)
    assert slugs(formset.forms_to_check()) == ["sit-ups"]


def test_an_entry_whose_exercise_changed_is_checked_and_one_with_new_amounts_is_not(session):
    same = SessionEntryFactory(session=session, exercise=library_exercise("crunches"), minutes=None, sets=2, reps=10)
    changed = SessionEntryFactory(session=session, minutes=20)
    untouched = SessionEntryFactory(session=session, exercise=library_exercise("tai-chi"), minutes=15)
    rows = [
        {"id": same.pk, "exercise": same.exercise_id, "sets": 3, "reps": 12, "load_unit": "kg"},
        {"id": changed.pk, "exercise": library_exercise("running").pk, "minutes": 20, "load_unit": "kg"},
        {"id": untouched.pk, "exercise": untouched.exercise_id, "minutes": 15, "load_unit": "kg"},
    ]
    formset = bound_formset(session, rows, initial=3)
    assert slugs(formset.forms_to_check()) == ["running"]


def test_a_deleted_entry_is_not_checked_even_with_a_new_exercise(session):
    keep = SessionEntryFactory(session=session, minutes=20)
    drop = SessionEntryFactory(session=session, exercise=library_exercise("tai-chi"), minutes=15)
    rows = [
        {"id": keep.pk, "exercise": keep.exercise_id, "minutes": 20, "load_unit": "kg"},
        {"id": drop.pk, "exercise": library_exercise("jumping").pk, "minutes": 15, "load_unit": "kg", "DELETE": "on"},
    ]
    formset = bound_formset(session, rows, initial=2)
    assert [form.instance for form in formset.deleted_forms] == [drop]
    assert formset.forms_to_check() == []
