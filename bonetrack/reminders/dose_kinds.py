"""Dose reminders (DOMAIN.md R16): two kinds kept per medication course, so a reminder's key is
(patient, course, dose due date, stage).

- Clinic-given doses (IV bisphosphonates, denosumab, romosozumab): 14 days before the due date ("book your
  appointment"), on the due date, then every 7 days while overdue, at most 4; at 09:00 in the patient's zone. The due
  date is one interval after the last dose given (or the start): `treatment.schedule.next_dose_due`. The care team
  hears once per (course, due date) when a denosumab dose is a month or more late (R11).
- Self-given doses (oral, daily or weekly injections): one reminder on each dose day not yet recorded, at the
  patient's chosen local time; in BoneTrack unless turned off, by email only when the patient opts in.

A course's due date takes calendar-month arithmetic (clamped to the month's end) that SQLite and PostgreSQL do not do
alike, so it is computed here from one query per batch of courses (its last dose, dose count, and what was already
recorded), never a query per course.
"""

import datetime as dt
from abc import abstractmethod

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bonetrack.core.date_display import format_day
from bonetrack.core.dates import add_months
from bonetrack.treatment import prompts
from bonetrack.treatment.models import TAKEN_STATUSES, Course, Dose
from bonetrack.treatment.schedule import add_intervals, expected_dose_dates, next_dose_due

from . import schedule
from .kinds import Message, ReminderKind, days_phrase, patient_path
from .models import DoseLateNotice, Reminder, ReminderDueDate

DEFAULT_DOSE_TIME = dt.time(8)
# The shortest gap between two doses of each schedule, in days: a course whose last dose is more recent than its
# gap less the first stage cannot have a stage in play, so the sweep leaves it out before reading it.
_MIN_GAP_DAYS = {"daily": 1, "weekly": 7, "monthly": 28, "every_3_months": 89, "every_6_months": 181, "yearly": 365}
# A self-given reminder is at most one a day: a course reminded within this span has nothing new to send.
_SELF_GIVEN_QUIET = dt.timedelta(hours=22)

_PREF = "patient__user__notification_preference__"


def _when(day: dt.date) -> str:
    return format_day(day, weekday="long", long=True)


def _medication_path(patient_id: int) -> str:
    return patient_path("medications:course-list", patient_id, fallback="reminders:reminder-list")


class CourseDoseKind(ReminderKind):
    """A per-course kind: its due dates come from `course_rows`, one query per batch of courses."""

    per_course = True
    clinic_given = False

    def courses(self, patient_ids=None) -> QuerySet:
        """The current courses this kind reminds about (a schedule recorded, the patient's account active)."""
        courses = Course.objects.filter(
            ended_on__isnull=True,
            regimen__schedule__isnull=False,
            regimen__clinic_given=self.clinic_given,
            patient__user__is_active=True,
        )
        if patient_ids is not None:
            courses = courses.filter(patient_id__in=patient_ids)
        return courses

    def candidate_ids(self, now: dt.datetime, patient_ids=None) -> list[int]:
        """The ids of the courses that may have something to record now, in one query."""
        return list(self._narrowed(self.courses(patient_ids), now).order_by("pk").values_list("pk", flat=True))

    def _narrowed(self, courses: QuerySet, now: dt.datetime) -> QuerySet:
        return courses

    def course_rows(self, course_ids, now: dt.datetime) -> list[dict]:
        """One row per course among `course_ids` that has a due date now, with what the sweep needs, in one query."""
        doses = Dose.objects.filter(course=OuterRef("pk")).order_by("-on")
        taken = doses.filter(status__in=TAKEN_STATUSES)
        reminded = Reminder.objects.filter(course=OuterRef("pk"), kind=self.key).order_by("-due_on", "-stage")
        known = ReminderDueDate.objects.filter(course=OuterRef("pk"), kind=self.key)
        noticed = DoseLateNotice.objects.filter(course=OuterRef("pk")).order_by("-due_on")
        taken_count = taken.order_by().values("course").annotate(n=Count("pk")).values("n")
        rows = (
            Course.objects.filter(pk__in=course_ids)
            .annotate(
                last_taken_on=Subquery(taken.values("on")[:1]),
                last_recorded_on=Subquery(doses.values("on")[:1]),
                taken_count=Coalesce(Subquery(taken_count, output_field=IntegerField()), Value(0)),
                reminded_due_on=Subquery(reminded.values("due_on")[:1]),
                reminded_stage=Subquery(reminded.values("stage")[:1]),
                known_due_on=Subquery(known.values("due_on")[:1]),
                known_since=Subquery(known.values("known_since")[:1]),
                noticed_due_on=Subquery(noticed.values("due_on")[:1]),
                pref_email=F(_PREF + "email"),
                pref_in_app=F(_PREF + "in_app"),
                pref_dose_email=F(_PREF + "dose_email"),
                pref_dose_in_app=F(_PREF + "dose_in_app"),
                pref_dose_time=F(_PREF + "dose_time"),
            )
            .values(
                "pk",
                "patient_id",
                "started_on",
                "regimen__schedule",
                "regimen__drug__name",
                "regimen__drug__slug",
                "regimen__drug__max_doses",
                "patient__user_id",
                "patient__user__time_zone",
                "patient__user__date_format",
                "patient__user__email",
                "patient__user__first_name",
                "patient__user__last_name",
                "last_taken_on",
                "last_recorded_on",
                "taken_count",
                "reminded_due_on",
                "reminded_stage",
                "known_due_on",
                "known_since",
                "noticed_due_on",
                "pref_email",
                "pref_in_app",
                "pref_dose_email",
                "pref_dose_in_app",
                "pref_dose_time",
            )
        )
        result = []
        for row in rows:
            tz = schedule.zone(row["patient__user__time_zone"])
            today = now.astimezone(tz).date()
            due_on = self.due_on_of(row, today)
            if due_on is None:
                continue
            wants_email, wants_in_app = self.channels(row)
            name = f"{row['patient__user__first_name']} {row['patient__user__last_name']}".strip()
            result.append(
                {
                    "patient_id": row["patient_id"],
                    "course_id": row["pk"],
                    "user_id": row["patient__user_id"],
                    "due_on": due_on,
                    "last_stage": row["reminded_stage"] if row["reminded_due_on"] == due_on else None,
                    "known_since": row["known_since"] if row["known_due_on"] == due_on else None,
                    "wants_email": wants_email,
                    "wants_in_app": wants_in_app,
                    "time_zone": row["patient__user__time_zone"],
                    "date_format": row["patient__user__date_format"],
                    "email": row["patient__user__email"],
                    "send_time": self.send_time(row),
                    "drug": row["regimen__drug__name"],
                    "drug_slug": row["regimen__drug__slug"],
                    "patient_name": name or row["patient__user__email"],
                    "noticed_due_on": row["noticed_due_on"],
                    "today": today,
                }
            )
        return result

    @abstractmethod
    def due_on_of(self, row: dict, today: dt.date) -> dt.date | None:
        """The course's due date on the patient's `today`, from a row of `course_rows` (None: nothing due)."""

    def late_notices(self, rows: list[dict]) -> list[dict]:
        """The rows whose care team is to be told now that the dose is late (none, unless the kind says so)."""
        return []

    def channels(self, row: dict) -> tuple[bool, bool]:
        """(email, in-app) for this kind, from the preference columns (no row: email and in-app on)."""
        return row["pref_email"] is not False, row["pref_in_app"] is not False

    def send_time(self, row: dict) -> int | dt.time:
        return schedule.SEND_HOUR

    def course_due_dates(self, patient_ids, now: dt.datetime | None = None) -> dict[int, tuple[int, dt.date]]:
        """{course id: (patient id, due date)} for the patients' current courses of this kind (one query)."""
        now = now or timezone.now()
        ids = self.courses(patient_ids).values("pk")  # a subquery: one query in all
        return {row["course_id"]: (row["patient_id"], row["due_on"]) for row in self.course_rows(ids, now)}

    def current_due_on(self, patient) -> dt.date | None:
        """The patient's earliest due date of this kind, over their courses."""
        dates = [due for _, due in self.course_due_dates([patient.pk]).values()]
        return min(dates, default=None)

    def reminder_due_on(self, reminder, now: dt.datetime | None = None) -> dt.date | None:
        rows = self.course_rows([reminder.course_id], now or timezone.now()) if reminder.course_id else []
        return rows[0]["due_on"] if rows else None


class ClinicDoseKind(CourseDoseKind):
    """A dose given at the clinic: book it ahead, then reminders while it is overdue."""

    key = "dose_clinic"
    label = "Clinic-given dose"
    offsets = (-14, 0, 7, 14, 21, 28)
    catch_up_label = "Overdue notice (the dose was already due when it was recorded)"
    clinic_given = True

    def _narrowed(self, courses: QuerySet, now: dt.datetime) -> QuerySet:
        last_taken = Dose.objects.filter(course=OuterRef("pk"), status__in=TAKEN_STATUSES).order_by("-on").values("on")[:1]
        # The first stage of the next dose is (shortest gap - 14) days after the last; a day of slack for zones.
        recent_enough = Q()
        for name, gap in _MIN_GAP_DAYS.items():
            latest = now.date() + dt.timedelta(days=1 - min(self.offsets)) - dt.timedelta(days=gap)
            recent_enough |= Q(regimen__schedule=name, last_taken_on__lte=latest)
        # Past the overdue cap for the dose that follows the last one given (and, for denosumab, the care team told):
        # nothing more to record until another dose is given. That due date always falls after the last dose.
        maxed = Reminder.objects.filter(course=OuterRef("pk"), kind=self.key, stage=max(self.offsets))
        noticed = DoseLateNotice.objects.filter(course=OuterRef("pk"))
        no_dose = Q(last_taken_on__isnull=True)
        capped = Q(Exists(maxed.filter(due_on__gt=OuterRef("last_taken_on")))) | (no_dose & Q(Exists(maxed)))
        told = Q(Exists(noticed.filter(due_on__gt=OuterRef("last_taken_on")))) | (no_dose & Q(Exists(noticed)))
        return (
            courses.annotate(last_taken_on=Subquery(last_taken))
            .filter(no_dose | recent_enough)
            .exclude(capped & (~Q(regimen__drug__slug=prompts.DENOSUMAB) | told))
        )

    def due_on_of(self, row: dict, today: dt.date) -> dt.date | None:
        return next_dose_due(
            schedule=row["regimen__schedule"],
            started_on=row["started_on"],
            last_dose_on=row["last_taken_on"],
            ended_on=None,
            max_doses=row["regimen__drug__max_doses"],
            doses_so_far=row["taken_count"],
        )

    def late_notices(self, rows: list[dict]) -> list[dict]:
        """The rows whose denosumab dose is a month or more late (R11) and whose care team was not yet told."""
        return [
            row
            for row in rows
            if row["drug_slug"] == prompts.DENOSUMAB
            and row["noticed_due_on"] != row["due_on"]
            and row["today"] >= add_months(row["due_on"], prompts.DENOSUMAB_LATE_MONTHS)
        ]

    def message(
        self, *, patient_id: int, due_on: dt.date, stage: int, today: dt.date, catch_up: bool = False, drug: str = ""
    ) -> Message:
        drug = drug or "medicine"
        when = _when(due_on)
        days = (due_on - today).days
        if catch_up:
            subject = f"Your {drug} dose is overdue"
            headline = f"Going by the doses recorded in BoneTrack, your next {drug} dose was due on {when}."
            lines = (
                "If you have had it, record it in BoneTrack: the due date moves and this reminder goes away.",
                "If not, please book it with your clinic as soon as you can.",
            )
        elif days > 0:
            subject = f"Book your {drug} appointment: due in {days_phrase(days)}"
            headline = f"Your next {drug} dose is due on {when}."
            lines = (
                "Now is a good time to book the appointment with your clinic.",
                "Once it is given, record it in BoneTrack so your care team can see it.",
            )
        elif days == 0:
            subject = f"Your {drug} dose is due today"
            headline = f"Your next {drug} dose is due today, {when}."
            lines = (
                "If it is not booked yet, please contact your clinic.",
                "Once it is given, record it in BoneTrack so your care team can see it.",
            )
        else:
            subject = f"Your {drug} dose is {days_phrase(days)} overdue"
            headline = f"Your {drug} dose was due on {when}, {days_phrase(days)} ago."
            lines = (
                "A late dose can let bone be lost again. Please book it with your clinic as soon as you can.",
                "If you have had it, record it in BoneTrack and this reminder goes away.",
            )
        return Message(
            subject=subject,
            headline=headline,
            lines=lines,
            action_label="See your medication",
            action_path=_medication_path(patient_id),
        )


class SelfDoseKind(CourseDoseKind):
    """A self-given dose (oral, or a daily or weekly injection): one reminder on each dose day."""

    key = "dose_self"
    label = "Dose day"
    offsets = (0,)
    catch_up_label = "Dose day"
    clinic_given = False

    def _narrowed(self, courses: QuerySet, now: dt.datetime) -> QuerySet:
        recently = Reminder.objects.filter(course=OuterRef("pk"), kind=self.key, send_at__gt=now - _SELF_GIVEN_QUIET)
        return courses.exclude(Exists(recently)).exclude(**{_PREF + "dose_in_app": False, _PREF + "dose_email": False})

    def due_on_of(self, row: dict, today: dt.date) -> dt.date | None:
        """The first dose day from today on that has no dose recorded (taken or missed)."""
        first = today
        if row["last_recorded_on"] is not None and row["last_recorded_on"] >= first:
            first = row["last_recorded_on"] + dt.timedelta(days=1)
        days = expected_dose_dates(
            schedule=row["regimen__schedule"],
            started_on=row["started_on"],
            ended_on=None,
            window_start=first,
            window_end=add_intervals(row["regimen__schedule"], first),
            max_doses=row["regimen__drug__max_doses"],
        )
        return days[0] if days else None

    def channels(self, row: dict) -> tuple[bool, bool]:
        email = row["pref_email"] is not False and bool(row["pref_dose_email"])
        return email, row["pref_dose_in_app"] is not False

    def email_allowed(self, preference) -> bool:
        return preference.email and preference.dose_email

    def send_time(self, row: dict) -> dt.time:
        return row["pref_dose_time"] or DEFAULT_DOSE_TIME

    def stage_label(self, offset: int) -> str:
        return "On the dose day"

    def message(
        self, *, patient_id: int, due_on: dt.date, stage: int, today: dt.date, catch_up: bool = False, drug: str = ""
    ) -> Message:
        drug = drug or "medicine"
        if due_on == today:
            subject = f"Today is a dose day: {drug}"
            headline = f"Your {drug} dose is due today, {_when(due_on)}."
        else:
            subject = f"Dose day: {drug} on {_when(due_on)}"
            headline = f"Your {drug} dose is due on {_when(due_on)}."
        return Message(
            subject=subject,
            headline=headline,
            lines=("Once you have taken it, tick it in BoneTrack: it keeps your adherence up to date.",),
            action_label="Tick today's dose",
            action_path=_medication_path(patient_id),
        )


DOSE_CLINIC = ClinicDoseKind()
DOSE_SELF = SelfDoseKind()
