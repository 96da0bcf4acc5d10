"""Kinds of reminder: the extension point. Each kind knows where its due dates live and how its messages read.

A per-patient kind (the next scan) gives one due date per patient with `due_dates(patients)`, an annotation, no
query per patient. A per-course kind (`per_course = True`: the dose reminders in `dose_kinds.py`) gives one due date
per medication course, and its reminders carry the course. Every kind is listed in `_by_key()`; the sweep, the
exactly-once bookkeeping, the channels and the pages need no other change.

To keep a late-known due date from replaying its past stages, call `due_dates.due_date_changed(...)` where the kind's
date changes, through a function in `services.py` that the owning app calls (the scan kind:
`services.scan_due_date_changed`, called by `dexa.services.refresh_next_scan_due`; the dose kinds:
`services.dose_schedule_changed`, called by the medication pages); without that record every stage is treated as
known in time.
"""

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache

from django.db.models import F, QuerySet
from django.urls import reverse

from bonetrack.core.date_display import format_day


@dataclass(frozen=True)
class Message:
    """What a reminder says, for every channel."""

    subject: str  # email subject and in-app title
    headline: str
    lines: tuple[str, ...]
    action_label: str
    action_path: str  # site-relative URL of the page to act on


def days_phrase(days: int) -> str:
    return "1 day" if abs(days) == 1 else f"{abs(days)} days"


class ReminderKind(ABC):
    key = ""
    label = ""
    offsets: tuple[int, ...] = (-30, 0, 30, 60, 90)  # days from the due date; positive stages are the overdue ones
    catch_up_label = "Overdue notice (the date had already passed when it was set)"
    # Per course (medication doses): each of a patient's courses has its own due date, and reminders carry the course.
    per_course = False

    def reminder_due_on(self, reminder, now: dt.datetime | None = None) -> dt.date | None:
        """The current due date of what `reminder` is about, at `now` (a send drops reminders whose date has moved)."""
        return self.current_due_on(reminder.patient)

    def email_allowed(self, preference) -> bool:
        """Whether the user's preferences let this kind email them."""
        return preference.email

    def due_dates(self, patients: QuerySet) -> QuerySet:
        """`patients` (PatientProfile) annotated with `due_on`, keeping only those that have one.

        Every per-patient kind defines it; per-course kinds give `course_rows` instead (a course's due date may need
        date arithmetic SQL cannot do the same way on SQLite and PostgreSQL).
        """
        raise TypeError(f"{type(self).__name__} keeps its due dates per course, not per patient")

    def current_due_on(self, patient) -> dt.date | None:
        """The patient's due date now (used to drop stages whose due date has since changed)."""
        row = self.due_dates(type(patient).objects.filter(pk=patient.pk)).values_list("due_on", flat=True).first()
        return row

    def stage_label(self, offset: int) -> str:
        if offset < 0:
            return f"{days_phrase(offset)} before"
        if offset == 0:
            return "On the due date"
        overdue = [o for o in self.offsets if o > 0]
        number = overdue.index(offset) + 1 if offset in overdue else None
        return f"Overdue reminder {number} of {len(overdue)}" if number else f"{days_phrase(offset)} overdue"

    @abstractmethod
    def message(
        self, *, patient_id: int, due_on: dt.date, stage: int, today: dt.date, catch_up: bool = False, drug: str = ""
    ) -> Message:
        """The reminder's subject and text for one stage (`today`: the patient's date when it was recorded), or, with
        `catch_up`, for the single notice about a due date that had already passed when it became known. `drug`:
        the medicine of a per-course kind."""


class ScanDueKind(ReminderKind):
    """The next DEXA scan (R5 decides the date; the DEXA app keeps `next_scan_due_on` current)."""

    key = "scan_due"
    label = "Bone density scan"

    def due_dates(self, patients: QuerySet) -> QuerySet:
        return patients.filter(next_scan_due_on__isnull=False).annotate(due_on=F("next_scan_due_on"))

    def current_due_on(self, patient) -> dt.date | None:
        return type(patient).objects.filter(pk=patient.pk).values_list("next_scan_due_on", flat=True).first()

    def message(
        self, *, patient_id: int, due_on: dt.date, stage: int, today: dt.date, catch_up: bool = False, drug: str = ""
    ) -> Message:
        when = format_day(due_on, weekday="long", long=True)
        days = (due_on - today).days
        if catch_up:
            # No count of days or of reminders: the date may still move as older records are added.
            subject = "Your bone density scan is overdue"
            headline = f"Going by the scans in BoneTrack, your next bone density (DEXA) scan was due on {when}."
            lines = (
                "If you have had a scan since then, add it to BoneTrack: the due date moves and this reminder goes away.",
                "If not, please book one with your clinic or imaging centre, or ask your care team if you are unsure.",
            )
        elif days > 0:
            subject = f"Your bone density scan is due in {days_phrase(days)}"
            headline = f"Your next bone density (DEXA) scan is due on {when}."
            lines = (
                "Now is a good time to book it with your clinic or imaging centre.",
                "Once the report is in, add it to BoneTrack so your care team can review it.",
            )
        elif days == 0:
            subject = "Your bone density scan is due today"
            headline = f"Your next bone density (DEXA) scan is due today, {when}."
            lines = (
                "If it is not booked yet, please contact your clinic or imaging centre.",
                "Once the report is in, add it to BoneTrack so your care team can review it.",
            )
        else:
            subject = f"Your bone density scan is {days_phrase(days)} overdue"
            headline = f"Your bone density (DEXA) scan was due on {when}, {days_phrase(days)} ago."
            lines = (
                "Regular scans show whether your bones are holding up and whether treatment is working.",
                "Please book it with your clinic or imaging centre, or ask your care team if you are unsure.",
            )
        return Message(
            subject=subject,
            headline=headline,
            lines=lines,
            action_label="See your scans",
            action_path=_scan_path(patient_id),
        )


def _scan_path(patient_id: int) -> str:
    return patient_path("dexa:scan-list", patient_id, fallback="reminders:reminder-list")


@cache
def _path_template(url_name: str, fallback: str) -> str:
    from django.urls import NoReverseMatch

    marker = 987654321
    try:
        path = reverse(url_name, kwargs={"patient_id": marker})
    except NoReverseMatch:
        path = reverse(fallback, kwargs={"patient_id": marker})
    return path.replace(str(marker), "{}")


def patient_path(url_name: str, patient_id: int, *, fallback: str) -> str:
    """reverse(url_name, patient_id=...) for many patients at the cost of one reverse()."""
    return _path_template(url_name, fallback).format(patient_id)


SCAN_DUE = ScanDueKind()


@cache
def _by_key() -> dict[str, ReminderKind]:
    """Every kind of reminder, in sweep order: the next scan, then medication doses."""
    # The dose kinds build on this module's ReminderKind, so they are imported here rather than at the top.
    from .dose_kinds import DOSE_CLINIC, DOSE_SELF

    return {kind.key: kind for kind in (SCAN_DUE, DOSE_CLINIC, DOSE_SELF)}


def get(key: str) -> ReminderKind:
    return _by_key()[key]


def all_kinds() -> list[ReminderKind]:
    return list(_by_key().values())


def label_of(key: str) -> str:
    kind = _by_key().get(key)
    return kind.label if kind else key
