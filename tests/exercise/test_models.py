"""The session and entry actions the logging paths share: the day's session, where an entry goes, the R10 flag."""

import datetime as dt

from exercise.models import ExerciseSession
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory
from tests.factories import PatientFactory

DAY = dt.date(2026, 11, 20)
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


class TestGetOrCreateForDay:
    def test_creates_the_session_of_the_day_once(self, patient):
        first = ExerciseSession.objects.get_or_create_for_day(patient, DAY, by=patient.user, notes="Gym")
        again = ExerciseSession.objects.get_or_create_for_day(patient, DAY, by=patient.user)
        assert again.pk == first.pk
        assert ExerciseSession.objects.filter(patient=patient).count() == 1
        first.refresh_from_db()
        assert (first.date, first.created_by, first.notes) == (DAY, patient.user, "Gym")

    def test_reuses_the_existing_session_and_adds_the_notes(self, patient, clinician):
        existing = ExerciseSessionFactory(patient=patient, date=DAY, notes="Morning", created_by=patient.user)
        session = ExerciseSession.objects.get_or_create_for_day(patient, DAY, by=clinician, notes="Evening")
        assert session.pk == existing.pk
        existing.refresh_from_db()
        assert existing.notes == "Morning · Evening"
        assert existing.created_by == patient.user  # the day's session keeps who started it

    def test_another_day_or_another_patient_gets_its_own_session(self, patient):
        existing = ExerciseSessionFactory(patient=patient, date=DAY)
        other = PatientFactory()
        ExerciseSessionFactory(patient=other, date=DAY - dt.timedelta(days=1))
        next_day = ExerciseSession.objects.get_or_create_for_day(patient, DAY + dt.timedelta(days=1), by=patient.user)
        others_day = ExerciseSession.objects.get_or_create_for_day(other, DAY, by=other.user)
        assert len({existing.pk, next_day.pk, others_day.pk}) == 3
        assert others_day.patient == other

    def test_of_two_sessions_on_one_day_the_latest_is_used(self, patient):
        ExerciseSessionFactory(patient=patient, date=DAY)
        latest = ExerciseSessionFactory(patient=patient, date=DAY)
        assert ExerciseSession.objects.get_or_create_for_day(patient, DAY, by=patient.user).pk == latest.pk


class TestAddNotes:
    def test_appends_with_a_separator_and_only_once(self, patient):
        session = ExerciseSessionFactory(patient=patient, notes="Morning")
        session.add_notes("Evening")
        session.add_notes("Evening")
        session.refresh_from_db()
        assert session.notes == "Morning · Evening"

    def test_empty_notes_take_the_new_ones(self, patient):
        session = ExerciseSessionFactory(patient=patient, notes="")
        session.add_notes("Gym")
        session.refresh_from_db()
        assert session.notes == "Gym"

    def test_cut_to_the_field_length(self, patient):
        session = ExerciseSessionFactory(patient=patient, notes="a" * 495)
        session.add_notes("evening gym")
        session.refresh_from_db()
        assert len(session.notes) == 500 and session.notes.startswith("a" * 495 + " · ")

    def test_nothing_to_add_writes_nothing(self, patient, django_assert_num_queries):
        session = ExerciseSessionFactory(patient=patient, notes="Morning")
        with django_assert_num_queries(0):
            session.add_notes("")
            session.add_notes("Morning")


def test_next_position_follows_the_entries(patient, django_assert_num_queries):
    session = ExerciseSessionFactory(patient=patient)
    assert session.next_position() == 0
    SessionEntryFactory(session=session)
    SessionEntryFactory(session=session)
    with django_assert_num_queries(1):
        assert session.next_position() == 2


class TestRecordFlag:
    def test_reasons_flag_the_entry_with_who_confirmed_it_and_when(self, patient):
        entry = SessionEntryFactory(session=ExerciseSessionFactory(patient=patient))
        entry.record_flag(["High-impact exercise: flagged because …"], by=patient.user, at=AT)
        assert entry.flagged is True
        assert entry.flag_reasons == ["High-impact exercise: flagged because …"]
        assert (entry.flag_confirmed_by, entry.flag_confirmed_at) == (patient.user, AT)

    def test_no_reasons_clear_the_flag(self, patient):
        entry = SessionEntryFactory(
            session=ExerciseSessionFactory(patient=patient),
            flagged=True,
            flag_reasons=["x"],
            flag_confirmed_by=patient.user,
            flag_confirmed_at=AT,
        )
        entry.record_flag([], by=patient.user, at=AT)
        assert (entry.flagged, entry.flag_reasons, entry.flag_confirmed_by, entry.flag_confirmed_at) == (False, [], None, None)

    def test_the_caller_saves(self, patient, django_assert_num_queries):
        entry = SessionEntryFactory(session=ExerciseSessionFactory(patient=patient))
        with django_assert_num_queries(0):
            entry.record_flag(["x"], by=patient.user, at=AT)
        entry.refresh_from_db()
        assert entry.flagged is False
