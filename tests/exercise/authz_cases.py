import datetime as dt

from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, patient_kwargs
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.undo.helpers import deleted, undo_kwargs


def _own_session(w):
    return SessionEntryFactory(session=ExerciseSessionFactory(patient=w.patient, date=dt.date(2026, 1, 5))).session


def _foreign_session(w):
    return SessionEntryFactory(session=ExerciseSessionFactory(patient=w.other_patient, date=dt.date(2026, 1, 5))).session


def _session_kwargs(make):
    return lambda w: {"patient_id": w.patient.pk, "session_id": make(w).pk}


def _entry_kwargs(owner: str):
    return lambda w: {"patient_id": w.patient.pk, "entry_id": SessionEntryFactory(session__patient=getattr(w, owner)).pk}


def _deleted_entry(patient):
    return deleted(SessionEntryFactory(session__patient=patient), patient)


def _walk(w) -> dict:
    return {"date": "2026-01-05", "exercise": library_exercise("brisk-walking").pk, "minutes": 30, "load_unit": "kg"}


def _session_data(w) -> dict:
    walk = _walk(w)
    return {
        "date": "2026-01-05",
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "1",
        "entries-MAX_NUM_FORMS": "1000",
        "entries-0-exercise": walk["exercise"],
        "entries-0-minutes": "30",
        "entries-0-load_unit": "kg",
    }


NOT_ALLOWED = {role: 405 for role in PUBLIC}

CASES = [
    Case("exercise:week", PATIENT_DATA, kwargs=patient_kwargs),
    Case("exercise:week", PATIENT_DATA, kwargs=patient_kwargs, htmx=True, label="htmx"),
    Case("exercise:entry-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=_walk),
    Case("exercise:entry-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=_walk, htmx=True, label="htmx"),
    Case("exercise:entry-add", NOT_ALLOWED, kwargs=patient_kwargs, label="get not allowed"),
    Case("exercise:session-add", PATIENT_DATA, kwargs=patient_kwargs),
    Case("exercise:session-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=_session_data),
    Case("exercise:session-repeat", PATIENT_DATA, kwargs=patient_kwargs, method="post"),
    Case("exercise:session-repeat", NOT_ALLOWED, kwargs=patient_kwargs, label="get not allowed"),
    Case("exercise:session-edit", PATIENT_DATA, kwargs=_session_kwargs(_own_session)),
    Case("exercise:session-edit", FOREIGN_OBJECT, kwargs=_session_kwargs(_foreign_session), label="foreign session"),
    Case(
        "exercise:session-edit",
        FOREIGN_OBJECT,
        kwargs=_session_kwargs(_foreign_session),
        method="post",
        data=_session_data,
        label="foreign session",
    ),
    Case("exercise:session-delete", PATIENT_DATA, kwargs=_session_kwargs(_own_session), method="post"),
    Case("exercise:session-delete", FOREIGN_OBJECT, kwargs=_session_kwargs(_foreign_session), method="post", label="foreign"),
    Case("exercise:session-delete", PATIENT_DATA, kwargs=_session_kwargs(_own_session)),
    Case("exercise:entry-delete", PATIENT_DATA, kwargs=_entry_kwargs("patient"), method="post"),
    Case("exercise:entry-delete", FOREIGN_OBJECT, kwargs=_entry_kwargs("other_patient"), method="post", label="foreign"),
    Case("exercise:entry-delete", PATIENT_DATA, kwargs=_entry_kwargs("patient")),
    Case("exercise:entry-delete", FOREIGN_OBJECT, kwargs=_entry_kwargs("other_patient"), label="foreign confirmation page"),
    Case("exercise:undo", PATIENT_DATA, kwargs=undo_kwargs(_deleted_entry, "patient"), method="post"),
    Case("exercise:undo", FOREIGN_OBJECT, kwargs=undo_kwargs(_deleted_entry, "other_patient"), method="post", label="foreign"),
    Case("exercise:undo", NOT_ALLOWED, kwargs=undo_kwargs(_deleted_entry, "patient"), label="get not allowed"),
    Case("exercise:library", PATIENT_DATA, kwargs=patient_kwargs),
    Case("exercise:history", PATIENT_DATA, kwargs=patient_kwargs),
    Case("exercise:progression", PATIENT_DATA, kwargs=patient_kwargs),
    Case("exercise:flag-list", PATIENT_DATA, kwargs=patient_kwargs),
]
