"""Stage arithmetic for reminders (DOMAIN.md R6): pure functions of a due date, a time zone and a moment.

A stage is named by its offset in days from the due date: -30 (30 days before), 0 (on the due date),
30, 60, 90 (overdue, at most three). A stage's send moment is 09:00 local time on its date, converted to UTC,
so a patient in Sydney and one in Chicago are each reminded in their own morning, across DST changes.

A due date that becomes known late (a patient typing in their history, a deleted scan, a shorter interval) does not
replay the stages whose moment had already passed: those are history. If the due date itself had passed by then,
one catch-up notice ("your scan is overdue") goes out instead, at the first 09:00 local at least an hour later,
which also leaves time to enter the newer scans that move the date.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

SEND_HOUR = 9
UTC = dt.UTC
# The least time between a due date becoming known and its catch-up notice.
CATCH_UP_GRACE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Stage:
    """One reminder to send: its offset (the unique key), its UTC moment, and whether it is the catch-up notice."""

    offset: int
    moment: dt.datetime
    catch_up: bool = False


def local_time(hour: int | dt.time) -> dt.time:
    """`hour`:00, or the time itself (a patient's chosen dose-reminder time)."""
    return hour if isinstance(hour, dt.time) else dt.time(hour)


def send_moment(due_on: dt.date, offset_days: int, tz: dt.tzinfo, hour: int | dt.time = SEND_HOUR) -> dt.datetime:
    """The UTC moment at which the stage `offset_days` of `due_on` is sent: `hour` local on that date."""
    day = due_on + dt.timedelta(days=offset_days)
    return dt.datetime.combine(day, local_time(hour), tzinfo=tz).astimezone(UTC)


def current_stage(
    due_on: dt.date, offsets: tuple[int, ...], tz: dt.tzinfo, now: dt.datetime, hour: int = SEND_HOUR
) -> int | None:
    """The latest stage whose send moment has passed at `now`, or None before the first one.

    Stages missed while nothing ran (or first seen late) are not sent as a burst: only the most recent
    applicable stage is. After the last stage (the overdue cap) nothing new ever becomes current.
    """
    current = None
    for offset in sorted(offsets):
        if send_moment(due_on, offset, tz, hour) <= now:
            current = offset
        else:
            break
    return current


def upcoming(
    due_on: dt.date, offsets: tuple[int, ...], tz: dt.tzinfo, now: dt.datetime, hour: int = SEND_HOUR
) -> list[tuple[int, dt.datetime]]:
    """The stages still to come for `due_on`, with their UTC send moments, earliest first."""
    return [(o, m) for o in sorted(offsets) if (m := send_moment(due_on, o, tz, hour)) > now]


def next_send_moment(after: dt.datetime, tz: dt.tzinfo, hour: int | dt.time = SEND_HOUR) -> dt.datetime:
    """The first `hour`:00 local time at or after `after` (UTC)."""
    day = after.astimezone(tz).date()
    while (moment := dt.datetime.combine(day, local_time(hour), tzinfo=tz).astimezone(UTC)) < after:
        day += dt.timedelta(days=1)
    return moment


def plan(
    due_on: dt.date,
    offsets: tuple[int, ...],
    tz: dt.tzinfo,
    known_since: dt.datetime | None,
    hour: int | dt.time = SEND_HOUR,
) -> list[Stage]:
    """Every stage that will be sent for `due_on`, earliest first.

    `known_since` is when this due date became the patient's (None: long enough ago that every stage is in play).
    Stages whose moment had passed by then are dropped. If the due date had passed too, the catch-up notice takes
    their place, keyed by the latest dropped offset, unless a regular stage comes first.
    """
    stages = [Stage(o, send_moment(due_on, o, tz, hour)) for o in sorted(offsets)]
    if known_since is None:
        return stages
    live = [s for s in stages if s.moment > known_since]
    history = [s for s in stages if s.moment <= known_since]
    if history and history[-1].offset >= 0:
        moment = next_send_moment(known_since + CATCH_UP_GRACE, tz, hour)
        if not live or moment < live[0].moment:
            live.insert(0, Stage(history[-1].offset, moment, catch_up=True))
    return live


def current(stages: list[Stage], now: dt.datetime) -> Stage | None:
    """The latest stage of a plan whose moment has passed at `now` (missed ones are not sent as a burst)."""
    passed = [s for s in stages if s.moment <= now]
    return passed[-1] if passed else None


def latest_due_date_in_play(today_utc: dt.date, offsets: tuple[int, ...]) -> dt.date:
    """No due date after this one can have a stage that is current on UTC date `today_utc` in any zone (UTC+14 included)."""
    return today_utc - dt.timedelta(days=min(offsets)) + dt.timedelta(days=1)


_ZONES: dict[str, dt.tzinfo] = {}


def zone(name: str) -> dt.tzinfo:
    """A cached ZoneInfo for `name`, UTC when the name is empty or unknown."""
    found = _ZONES.get(name)
    if found is None:
        try:
            found = zoneinfo.ZoneInfo(name or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            found = UTC
        _ZONES[name] = found
    return found
