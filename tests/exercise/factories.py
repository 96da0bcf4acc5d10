import datetime as dt

import factory
from factory.django import DjangoModelFactory

from exercise.library import load_library
from exercise.models import Exercise, ExerciseSession, SessionEntry
from tests.factories import PatientFactory


def library_exercise(slug: str) -> Exercise:
    """A library exercise; reloads the library first, since transactional tests flush data-migration rows."""
    load_library()
    return Exercise.objects.get(slug=slug)


class ExerciseSessionFactory(DjangoModelFactory):
    class Meta:
        model = ExerciseSession

    patient = factory.SubFactory(PatientFactory)
    date = dt.date(2026, 11, 18)


class SessionEntryFactory(DjangoModelFactory):
    class Meta:
        model = SessionEntry

    session = factory.SubFactory(ExerciseSessionFactory)
    exercise = factory.LazyFunction(lambda: library_exercise("brisk-walking"))
    minutes = 30
