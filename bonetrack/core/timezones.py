"""A user's local date and time: a patient's "today" is their own calendar day."""

import datetime as dt
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name. Cached: `available_timezones()` walks the tz database on disk (tens of ms or more)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Reject names that are not IANA time zones."""
    if value not in zone_names():
        raise ValidationError("Choose a time zone from the list, such as Europe/London.")


def zone_of(user) -> zoneinfo.ZoneInfo:
    """Return the user's zone, falling back to UTC."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_now(user, now: dt.datetime | None = None) -> dt.datetime:
    """Return the current moment in the user's zone."""
    return (now or timezone.now()).astimezone(zone_of(user))


def local_today(user, now: dt.datetime | None = None) -> dt.date:
    """Return the user's local calendar date."""
    return local_now(user, now).date()


def time_zone_choices() -> list[tuple[str, str]]:
    """All IANA zones, sorted, for select inputs."""
    return list(_sorted_choices())


@cache
def _sorted_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zone_names())]
