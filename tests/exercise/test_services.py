"""The writes behind quick add, the full-session form and "Repeat last session": each goes into the day's session,
after its entries, and records the R10 flags it was given."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercise import services
from exercise.forms import SessionForm, entry_formset
from exercise.models import Exercise, ExerciseSession, SessionEntry
from exercise.services import RepeatPlan
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise

TODAY = dt.date(2026, 11, 22)
REASONS = ["High-impact exercise: flagged because your latest lowest T-score is −2.9 (osteoporosis range)."]


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    pass


def entries_of(session) -> list[tuple]:
    return [(e.exercise.slug, e.minutes, e.sets, e.position, e.flagged) for e in session.entries.order_by("position", "pk")]


# Quick add ------------------------------------------------------------------------------------------------------


class TestEntryLog:
    def test_goes_after_the_entries_of_the_days_session(self, patient):
        day = ExerciseSessionFactory(patient=patient, date=TODAY)
        SessionEntryFactory(session=day, position=0)
        entry = SessionEntry(exercise=library_exercise("tai-chi"), minutes=15)
        saved = services.entry_log(patient=patient, day=TODAY, entry=entry, by=patient.user, flags={})
        assert saved.pk is not None and saved.session == day
        assert entries_of(day) == [("brisk-walking", 30, None, 0, False), ("tai-chi", 15, None, 1, False)]

    def test_starts_the_days_session_when_there_is_none(self, patient):
        entry = SessionEntry(exercise=library_exercise("brisk-walking"), minutes=30)
        services.entry_log(patient=patient, day=TODAY, entry=entry, by=patient.user, flags={})
        session = ExerciseSession.objects.get(patient=patient)
        assert (session.date, session.created_by) == (TODAY, patient.user)
        assert entries_of(session) == [("brisk-walking", 30, None, 0, False)]

    def test_records_the_confirmed_flag(self, patient, frozen_now):
        jumping = library_exercise("jumping")
        entry = SessionEntry(exercise=jumping, minutes=5)
        services.entry_log(patient=patient, day=TODAY, entry=entry, by=patient.user, flags={jumping.pk: REASONS})
        entry.refresh_from_db()
        assert entry.flagged and entry.flag_reasons == REASONS
        assert (entry.flag_confirmed_by, entry.flag_confirmed_at) == (patient.user, frozen_now)

    def test_flags_for_other_exercises_do_not_apply(self, patient):
        entry = SessionEntry(exercise=library_exercise("brisk-walking"), minutes=30)
        services.entry_log(
            patient=patient, day=TODAY, entry=entry, by=patient.user, flags={library_exercise("jumping").pk: REASONS}
        )
        entry.refresh_from_db()
        assert entry.flagged is False and entry.flag_confirmed_by is None


# Full-session form ----------------------------------------------------------------------------------------------


def bound_forms(patient, session, rows: list[dict], *, initial: int, **fields):
    data = {"date": TODAY.isoformat(), "notes": "", **fields}
    data.update({"entries-TOTAL_FORMS": str(len(rows)), "entries-INITIAL_FORMS": str(initial)})
    data.update({"entries-MIN_NUM_FORMS": "1", "entries-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(rows):
        data.update({f"entries-{i}-{key}": str(value) for key, value in row.items()})
    form = SessionForm(data, instance=session, born=patient.date_of_birth, today=TODAY)
    formset = entry_formset(extra=1)(
        data,
        instance=session or ExerciseSession(patient=patient),
        prefix="entries",
        form_kwargs={"exercises": list(Exercise.objects.active())},
    )
    assert form.is_valid() and formset.is_valid(), (form.errors, formset.errors)
    return form, formset


class TestSessionSave:
    def test_a_new_session_on_a_day_with_one_is_added_to_it(self, patient):
        day = ExerciseSessionFactory(patient=patient, date=TODAY, notes="Morning")
        SessionEntryFactory(session=day, minutes=20)
        rows = [
            {"exercise": library_exercise("squat").pk, "sets": 3, "reps": 10, "load_unit": "kg"},
            {"exercise": library_exercise("tai-chi").pk, "minutes": 15, "load_unit": "kg"},
        ]
        form, formset = bound_forms(patient, None, rows, initial=0, notes="Evening gym")
        saved = services.session_save(patient=patient, session_form=form, entry_formset=formset, by=patient.user, flags={})
        assert saved.pk == day.pk and ExerciseSession.objects.count() == 1
        saved.refresh_from_db()
        assert saved.notes == "Morning · Evening gym"
        assert entries_of(day) == [
            ("brisk-walking", 20, None, 0, False),
            ("squat", None, 3, 1, False),
            ("tai-chi", 15, None, 2, False),
        ]

    def test_a_new_session_on_a_free_day_is_created(self, patient):
        rows = [{"exercise": library_exercise("brisk-walking").pk, "minutes": 30, "load_unit": "kg"}]
        form, formset = bound_forms(patient, None, rows, initial=0, notes="Park")
        saved = services.session_save(patient=patient, session_form=form, entry_formset=formset, by=patient.user, flags={})
        assert (saved.date, saved.notes, saved.created_by) == (TODAY, "Park", patient.user)
        assert entries_of(saved) == [("brisk-walking", 30, None, 0, False)]

    def test_edit_updates_deletes_and_flags_only_the_new_exercise(self, patient, clinician, frozen_now):
        session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=1), created_by=None)
        confirmed = SessionEntryFactory(
            session=session, exercise=library_exercise("sit-ups"), minutes=None, sets=2, reps=10, position=0,
            flagged=True, flag_reasons=["earlier"], flag_confirmed_by=patient.user,
        )  # fmt: skip
        drop = SessionEntryFactory(session=session, exercise=library_exercise("tai-chi"), minutes=15, position=1)
        jumping, sit_ups = library_exercise("jumping"), library_exercise("sit-ups")
        rows = [
            {"id": confirmed.pk, "exercise": sit_ups.pk, "sets": 3, "reps": 10, "load_unit": "kg"},
            {"id": drop.pk, "exercise": drop.exercise_id, "minutes": 15, "load_unit": "kg", "DELETE": "on"},
            {"exercise": jumping.pk, "minutes": 5, "load_unit": "kg"},
        ]
        form, formset = bound_forms(patient, session, rows, initial=2, date=session.date.isoformat())
        flags = {jumping.pk: REASONS, sit_ups.pk: ["asked again"]}
        saved = services.session_save(patient=patient, session_form=form, entry_formset=formset, by=clinician, flags=flags)
        assert saved.pk == session.pk and saved.created_by == clinician  # a session without an author gets one
        assert not SessionEntry.objects.filter(pk=drop.pk).exists()
        confirmed.refresh_from_db()
        assert (confirmed.sets, confirmed.flag_reasons, confirmed.flag_confirmed_by) == (3, ["earlier"], patient.user)
        new = SessionEntry.objects.get(session=session, exercise=jumping)
        assert new.flag_reasons == REASONS and new.flag_confirmed_by == clinician and new.flag_confirmed_at == frozen_now
        # Added rows go after the session's rows as the form showed them (here two), counting the changed ones.
        assert new.position == 3


# Repeat last session --------------------------------------------------------------------------------------------


@pytest.fixture
def last_session(patient):
    session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=2))
    SessionEntryFactory(session=session, minutes=35, position=0)
    SessionEntryFactory(session=session, exercise=library_exercise("jumping"), minutes=5, effort=7, position=1)
    return session


class TestRepeatPlan:
    def test_nothing_before_the_day_is_no_plan(self, patient):
        ExerciseSessionFactory(patient=patient, date=TODAY)
        assert RepeatPlan.latest_before(patient, TODAY) is None

    def test_the_latest_earlier_session_is_the_source(self, patient, last_session):
        ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=5))
        plan = RepeatPlan.latest_before(patient, TODAY)
        assert plan.source == last_session and plan.day == TODAY
        assert plan.already == [] and plan.missing == plan.entries and len(plan.entries) == 2

    def test_each_entry_of_the_day_matches_one_entry_of_the_source(self, patient, last_session):
        SessionEntryFactory(session=last_session, minutes=35, position=2)  # a second identical walk
        SessionEntryFactory(session=ExerciseSessionFactory(patient=patient, date=TODAY), minutes=35)
        plan = RepeatPlan.latest_before(patient, TODAY)
        assert [e.exercise.slug for e in plan.already] == ["brisk-walking"]
        assert [e.exercise.slug for e in plan.missing] == ["jumping", "brisk-walking"]
        assert plan.to_copy(again=True) == plan.entries and plan.to_copy(again=False) == plan.missing


class TestSessionRepeat:
    def test_copies_into_the_days_session_after_its_entries(self, patient, last_session):
        today = ExerciseSessionFactory(patient=patient, date=TODAY)
        SessionEntryFactory(session=today, exercise=library_exercise("tai-chi"), minutes=15, position=0)
        plan = RepeatPlan.latest_before(patient, TODAY)
        copies = services.session_repeat(plan=plan, again=False, by=patient.user, flags={})
        assert len(copies) == 2 and ExerciseSession.objects.filter(patient=patient, date=TODAY).count() == 1
        assert entries_of(today) == [
            ("tai-chi", 15, None, 0, False),
            ("brisk-walking", 35, None, 1, False),
            ("jumping", 5, None, 2, False),
        ]
        assert SessionEntry.objects.get(session=today, exercise__slug="jumping").effort == 7

    def test_only_the_missing_ones_or_all_again(self, patient, last_session):
        SessionEntryFactory(session=ExerciseSessionFactory(patient=patient, date=TODAY), minutes=35)
        plan = RepeatPlan.latest_before(patient, TODAY)
        assert [c.exercise.slug for c in services.session_repeat(plan=plan, again=False, by=patient.user, flags={})] == [
            "jumping"
        ]
        plan = RepeatPlan.latest_before(patient, TODAY)
        assert len(services.session_repeat(plan=plan, again=True, by=patient.user, flags={})) == 2
        assert SessionEntry.objects.filter(session__date=TODAY).count() == 4

    def test_nothing_to_copy_writes_nothing(self, patient, last_session):
        today = ExerciseSessionFactory(patient=patient, date=TODAY)
        for entry in last_session.entries.all():
            SessionEntryFactory(session=today, exercise=entry.exercise, minutes=entry.minutes)
        plan = RepeatPlan.latest_before(patient, TODAY)
        with CaptureQueriesContext(connection) as captured:
            assert services.session_repeat(plan=plan, again=False, by=patient.user, flags={}) == []
        assert [q["sql"] for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))] == []
        assert today.entries.count() == 2

    def test_starts_the_days_session_and_records_the_flags(self, patient, last_session, frozen_now):
        jumping = library_exercise("jumping")
        plan = RepeatPlan.latest_before(patient, TODAY)
        services.session_repeat(plan=plan, again=False, by=patient.user, flags={jumping.pk: REASONS})
        session = ExerciseSession.objects.get(patient=patient, date=TODAY)
        assert session.created_by == patient.user
        assert entries_of(session) == [("brisk-walking", 35, None, 0, False), ("jumping", 5, None, 1, True)]
        flagged = session.entries.get(exercise=jumping)
        assert (flagged.flag_reasons, flagged.flag_confirmed_by, flagged.flag_confirmed_at) == (
            REASONS,
            patient.user,
            frozen_now,
        )
