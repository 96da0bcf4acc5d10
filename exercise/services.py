"""Writes that span a session and its entries.

One session per patient and local day: the quick add, the full-session form and "Repeat last session" all write
into that day's session (`ExerciseSession.objects.get_or_create_for_day`), after the entries it already has.
`flags` is what `safety.flags_for` returned for the exercises being logged, which the patient has confirmed: each
new entry records its reasons, who confirmed them and when (R10).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.undo.services import delete_with_undo

from .forms import EntryFormSet, SessionForm
from .models import ExerciseSession, SessionEntry

# What a repeat copies; the same exercise with the same amounts counts as already logged.
COPIED_FIELDS = ("exercise_id", "minutes", "sets", "reps", "load", "load_unit", "effort")
SAME_FIELDS = ("exercise_id", "minutes", "sets", "reps", "load", "load_unit")

Flags = dict[int, list[str]]


@transaction.atomic
def entry_log(*, patient: PatientProfile, day: dt.date, entry: SessionEntry, by: User, flags: Flags) -> SessionEntry:
    """Save `entry` (unsaved, without a session) as the last entry of the patient's session on `day`."""
    session = ExerciseSession.objects.get_or_create_for_day(patient, day, by=by)
    entry.session = session
    entry.position = session.next_position()
    entry.record_flag(flags.get(entry.exercise_id, []), by=by, at=timezone.now())
    entry.save()
    return entry


@transaction.atomic
def session_save(
    *, patient: PatientProfile, session_form: SessionForm, entry_formset: EntryFormSet, by: User, flags: Flags
) -> ExerciseSession:
    """Save a valid full-session form and its entries: edit the session, or add them to the day's session.

    The rows `entry_formset.forms_to_check()` names record their flags; the others keep theirs. Deleted rows go to
    the recycle bin (Undo), and added rows go after the session's entries.
    """
    now = timezone.now()
    checked = [form.instance for form in entry_formset.forms_to_check()]
    session = session_form.save(commit=False)
    if session.pk is None:
        session = ExerciseSession.objects.get_or_create_for_day(patient, session.date, by=by, notes=session.notes)
        start = session.next_position()
    else:
        if session.created_by_id is None:
            session.created_by = by
        session.save()
        start = len(entry_formset.initial_forms)
    entry_formset.instance = session
    entries = entry_formset.save(commit=False)
    for entry in entry_formset.deleted_objects:  # to the recycle bin: the page offers Undo for each
        delete_with_undo(entry, patient=patient, by=by, description=entry.deletion_description)
    for position, entry in enumerate(entries, start=start):
        if any(entry is instance for instance in checked):
            entry.record_flag(flags.get(entry.exercise_id, []), by=by, at=now)
        if entry.pk is None:
            entry.position = position
        entry.save()
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
        """All of the source's entries (`again`), or only those the day lacks."""
        return self.entries if again else self.missing


@transaction.atomic
def session_repeat(*, plan: RepeatPlan, again: bool, by: User, flags: Flags) -> list[SessionEntry]:
    """Copy `plan.to_copy(again=again)` after the entries of the session of `plan.day`; nothing to copy, no write."""
    todo = plan.to_copy(again=again)
    if not todo:
        return []
    session = ExerciseSession.objects.get_or_create_for_day(plan.source.patient, plan.day, by=by)
    now = timezone.now()
    copies = []
    for position, entry in enumerate(todo, start=session.next_position()):
        copy = SessionEntry(session=session, position=position, **{name: getattr(entry, name) for name in COPIED_FIELDS})
        copy.record_flag(flags.get(copy.exercise_id, []), by=by, at=now)
        copies.append(copy)
    return SessionEntry.objects.bulk_create(copies)
