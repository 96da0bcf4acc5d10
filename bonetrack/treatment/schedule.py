"""Dose schedules and adherence (DOMAIN.md R11, R16), as pure functions of plain values (no database).

A schedule is one of SCHEDULES, or None when it was not recorded: such a course has no expected doses. Month-based
schedules step in calendar months from the course's start, each dose counted from the start itself
(dose n = start + n × k months, clamped to the month's last day), so a course started on 31 January is due on
28/29 February, 31 March, 30 April and never drifts to the 28th.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bonetrack.core.dates import add_months

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
EVERY_3_MONTHS = "every_3_months"
EVERY_6_MONTHS = "every_6_months"
YEARLY = "yearly"
SCHEDULE_LABELS = {
    DAILY: "Daily",
    WEEKLY: "Weekly",
    MONTHLY: "Monthly",
    EVERY_3_MONTHS: "Every 3 months",
    EVERY_6_MONTHS: "Every 6 months",
    YEARLY: "Yearly",
}
SCHEDULES = tuple(SCHEDULE_LABELS)

_DAYS_PER_STEP = {DAILY: 1, WEEKLY: 7}
_MONTHS_PER_STEP = {MONTHLY: 1, EVERY_3_MONTHS: 3, EVERY_6_MONTHS: 6, YEARLY: 12}

# R16: a course is adherent when at least this share of its scheduled doses were taken.
ADHERENT_FROM_PERCENT = 80


def add_intervals(schedule: str, day: dt.date, count: int = 1) -> dt.date:
    """`day` moved on by `count` steps of the schedule (calendar months for the month-based ones)."""
    if schedule in _DAYS_PER_STEP:
        return day + dt.timedelta(days=_DAYS_PER_STEP[schedule] * count)
    if schedule in _MONTHS_PER_STEP:
        return add_months(day, _MONTHS_PER_STEP[schedule] * count)
    raise ValueError(f"unknown schedule {schedule!r}")


def _first_index_on_or_after(schedule: str, started_on: dt.date, day: dt.date) -> int:
    """The index of the course's first dose on or after `day` (dose 0 is on `started_on`)."""
    if day <= started_on:
        return 0
    if schedule in _DAYS_PER_STEP:
        return -(-(day - started_on).days // _DAYS_PER_STEP[schedule])
    # Whole months between the two dates give a lower bound: the dose before it falls in an earlier month.
    months = (day.year - started_on.year) * 12 + day.month - started_on.month
    index = months // _MONTHS_PER_STEP[schedule]
    while add_intervals(schedule, started_on, index) < day:
        index += 1
    return index


def expected_dose_dates(
    *,
    schedule: str | None,
    started_on: dt.date,
    ended_on: dt.date | None,
    window_start: dt.date,
    window_end: dt.date,
    max_doses: int | None = None,
) -> list[dt.date]:
    """The course's scheduled dose dates inside [window_start, window_end] and [started_on, ended_on], both inclusive.

    The first dose is on `started_on`. `max_doses` caps the whole course (romosozumab: 12), counted from its start,
    not from the window.
    """
    if schedule is None:
        return []
    first = max(window_start, started_on)
    last = window_end if ended_on is None else min(window_end, ended_on)
    index = _first_index_on_or_after(schedule, started_on, first)
    dates = []
    while max_doses is None or index < max_doses:
        day = add_intervals(schedule, started_on, index)
        if day > last:
            break
        dates.append(day)
        index += 1
    return dates


def next_dose_due(
    *,
    schedule: str | None,
    started_on: dt.date,
    last_dose_on: dt.date | None,
    ended_on: dt.date | None,
    max_doses: int | None,
    doses_so_far: int,
) -> dt.date | None:
    """When the next dose is due: one interval after the last recorded dose, or on `started_on` when none is recorded.

    This is how clinic-given doses are booked (denosumab: 6 months after the last dose, R11), so a late dose moves
    the following ones with it. None when the schedule is not recorded, the course has an end date, or all of its
    `max_doses` have been recorded.
    """
    if schedule is None or ended_on is not None:
        return None
    if max_doses is not None and doses_so_far >= max_doses:
        return None
    if last_dose_on is None:
        return started_on
    return add_intervals(schedule, last_dose_on)


@dataclass(frozen=True)
class Adherence:
    """R16: doses taken against doses scheduled. `percent` and `adherent` are None when nothing was scheduled."""

    scheduled: int
    taken: int
    percent: int | None
    adherent: bool | None


def adherence(*, scheduled: int, taken: int) -> Adherence:
    """R16: taken ÷ scheduled as a whole percent (rounded half up, capped at 100); adherent from 80 %.

    `adherent` is read from the rounded percent, so the label always agrees with the number shown.
    """
    if scheduled < 0 or taken < 0:
        raise ValueError("dose counts cannot be negative")
    if scheduled == 0:
        return Adherence(scheduled=0, taken=taken, percent=None, adherent=None)
    # Integer arithmetic: round() on a float rounds halves to even (12.5 → 12) and floats misplace some halves.
    percent = min(100, (200 * taken + scheduled) // (2 * scheduled))
    return Adherence(scheduled=scheduled, taken=taken, percent=percent, adherent=percent >= ADHERENT_FROM_PERCENT)


def window_adherence(
    *,
    schedule: str | None,
    started_on: dt.date,
    ended_on: dt.date | None,
    max_doses: int | None,
    taken_dates: Iterable[dt.date],
    window_start: dt.date,
    window_end: dt.date,
) -> Adherence:
    """R16 adherence of one course over a window: its doses recorded taken (or given) in the window ÷ its doses
    scheduled there. A day counts once, however many doses were recorded on it.
    """
    scheduled = expected_dose_dates(
        schedule=schedule,
        started_on=started_on,
        ended_on=ended_on,
        window_start=window_start,
        window_end=window_end,
        max_doses=max_doses,
    )
    taken = {day for day in taken_dates if window_start <= day <= window_end}
    return adherence(scheduled=len(scheduled), taken=len(taken))
