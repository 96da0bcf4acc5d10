"""Stage arithmetic for reminders (DOMAIN.md R6): pure functions of a due date, a time zone and a moment.

A stage is named by its offset in days from the due date: -30 (30 days before), 0 (on the due date),
30, 60, 90 (overdue, at most three). A stage's send moment is 09:00 local time on its date, converted to UTC,
so a patient in Sydney and one in Chicago are each reminded in their own morning, across DST changes.
"""

import datetime as dt
import zoneinfo

SEND_HOUR = 9
UTC = dt.UTC


def send_moment(due_on: dt.date, offset_days: int, tz: dt.tzinfo, hour: int = SEND_HOUR) -> dt.datetime:
    """The UTC moment at which the stage `offset_days` of `due_on` is sent: `hour`:00 local on that date."""
    day = due_on + dt.timedelta(days=offset_days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(UTC)


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
