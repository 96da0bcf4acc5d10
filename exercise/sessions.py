"""One session per patient and local day: the quick add, the full-session form and "Repeat last session" all write
into that day's session, and repeating says first what the day already has."""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from bonetrack.accounts.models import PatientProfile

from .models import ExerciseSession, SessionEntry

# What a repeat copies; the same exercise with the same amounts counts as already logged.
COPIED_FIELDS = ("exercise_id", "minutes", "sets", "reps", "load", "load_unit", "effort")
SAME_FIELDS = ("exercise_id", "minutes", "sets", "reps", "load", "load_unit")


def session_of_day(patient: PatientProfile, day: dt.date, user, *, notes: str = "") -> ExerciseSession:
    """The patient's session on `day`, created when there is none; `notes` are added to the day's notes."""
    session = ExerciseSession.objects.filter(patient=patient, date=day).order_by("-pk").first()
    if session is None:
        return ExerciseSession.objects.create(patient=patient, date=day, created_by=user, notes=notes)
    if notes and notes not in session.notes:
        limit = ExerciseSession._meta.get_field("notes").max_length
        session.notes = (f"{session.notes} · {notes}" if session.notes else notes)[:limit]
        session.save(update_fields=["notes", "updated_at"])
    return session


def _same(entry: SessionEntry) -> tuple:
    return tuple(getattr(entry, name) for name in SAME_FIELDS)


@dataclass
class RepeatPlan:
    """Copying the latest session before `day` into the session of `day`."""

    source: ExerciseSession
    day: dt.date
    entries: list[SessionEntry]
    already: list[SessionEntry]  # entries of the source that the day's session already has

    @classmethod
    def latest_before(cls, patient: PatientProfile, day: dt.date) -> "RepeatPlan | None":
        source = ExerciseSession.objects.filter(patient=patient, date__lt=day).order_by("-date", "-pk").first()
        if source is None:
            return None
        entries = list(source.entries.select_related("exercise"))
        present = Counter(_same(e) for e in SessionEntry.objects.filter(session__patient=patient, session__date=day))
        already = []
        for entry in entries:
            if present[_same(entry)]:
                present[_same(entry)] -= 1
                already.append(entry)
        return cls(source=source, day=day, entries=entries, already=already)

    @property
    def missing(self) -> list[SessionEntry]:
        already = {id(e) for e in self.already}
        return [e for e in self.entries if id(e) not in already]

    def to_copy(self, *, again: bool) -> list[SessionEntry]:
        return self.entries if again else self.missing

    def apply(self, *, user, again: bool, flag: Callable[[SessionEntry], None]) -> list[SessionEntry]:
        """Copy the source's entries (all of them, or only those the day lacks) into the day's session.

        `flag(copy)` records the R10 flag and its confirmation on each copy before it is saved.
        """
        todo = self.to_copy(again=again)
        if not todo:
            return []
        with transaction.atomic():
            session = session_of_day(self.source.patient, self.day, user)
            start = session.entries.count()
            copies = []
            for position, entry in enumerate(todo, start=start):
                copy = SessionEntry(session=session, position=position, **{name: getattr(entry, name) for name in COPIED_FIELDS})
                flag(copy)
                copies.append(copy)
            SessionEntry.objects.bulk_create(copies)
        return copies
