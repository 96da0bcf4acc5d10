"""A user's local date and time: a patient's "today" is their own calendar day.

Time zones people choose from are the canonical ones: every zone in the tz database's `zone.tab` and `zone1970.tab`
(one or more per country, named for a city) plus "UTC", read from the `tzdata` package so every machine offers the
same list. Older names (`W-SU`, `US/Eastern`, `Asia/Calcutta`) are the database's backward-compatibility links: they
are not offered, and map to the zone they link to. Stored values stay valid if they name any zone at all.
"""

import datetime as dt
import zoneinfo
from functools import cache
from importlib import resources

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .widgets import LongSelect

UTC = "UTC"
# Zones that are always UTC under another name (`GMT`, `Etc/Zulu`, …) map to "UTC".
_ZERO_OFFSET_ZONES = frozenset({"Etc/UTC", "Etc/GMT"})


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name. Cached: `available_timezones()` walks the tz database on disk (tens of ms or more)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Reject names that are not IANA time zones (any name, canonical or not: rows saved earlier keep saving)."""
    if value not in zone_names():
        raise ValidationError("Choose a time zone from the list, such as Europe/London.")


def _tzdata_text(name: str) -> str:
    return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


def _table_rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in _tzdata_text(name).splitlines() if line and not line.startswith("#")]


@cache
def _zone_countries() -> dict[str, str]:
    """Canonical zone → the name of its country in zone.tab (zone1970.tab adds no zone, but is read to be sure)."""
    countries = {code: country for code, country in _table_rows("iso3166.tab")}
    zones = {}
    for table in ("zone.tab", "zone1970.tab"):
        for codes, _coordinates, zone, *_ in _table_rows(table):
            zones.setdefault(zone, countries.get(codes.split(",")[0], ""))
    return {zone: country for zone, country in zones.items() if zone in zone_names()}


@cache
def canonical_zone_names() -> frozenset[str]:
    """The zones people choose from."""
    return frozenset(_zone_countries()) | {UTC}


@cache
def _links() -> dict[str, str]:
    """Backward-compatibility name → the zone it stands for (the tz database's `Link` lines)."""
    links = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_zone(name: str | None) -> str | None:
    """The canonical zone for `name` (itself if canonical, the zone an old name links to), or None."""
    if not name:
        return None
    if name in canonical_zone_names():
        return name
    target = _links().get(name, name)
    if target in _ZERO_OFFSET_ZONES:
        return UTC
    return target if target in canonical_zone_names() else None


@cache
def zone_aliases() -> dict[str, str]:
    """Every old name that stands for a canonical zone → that zone (for a browser that reports an old name)."""
    return {
        name: zone
        for name in sorted(zone_names() | set(_links()))
        if name not in canonical_zone_names() and (zone := canonical_zone(name))
    }


def zone_label(name: str) -> str:
    """'America/Indiana/Knox' → 'Knox, Indiana, United States'."""
    if name == UTC:
        return "UTC (Coordinated Universal Time)"
    places = [part.replace("_", " ") for part in reversed(name.split("/")[1:])]
    country = _zone_countries().get(name, "")
    return ", ".join([*places, *([country] if country and country not in places else [])])


def time_zone_choices() -> list:
    """The canonical zones grouped by region (Africa, America, …), each sorted by label, after "UTC"."""
    return list(_grouped_choices())


@cache
def _grouped_choices() -> tuple:
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_zone_names() - {UTC}:
        regions.setdefault(name.split("/")[0], []).append((name, zone_label(name)))
    grouped = [(region, sorted(zones, key=lambda choice: choice[1])) for region, zones in sorted(regions.items())]
    return ((UTC, zone_label(UTC)), *grouped)


class TimeZoneField(forms.ChoiceField):
    """A choice of canonical zone; an old name is refused with the zone to choose instead, and a stored old name is
    shown as its canonical zone."""

    widget = LongSelect
    default_error_messages = {
        "invalid_choice": "Choose a time zone from the list, such as Europe/London.",
        "old_name": "%(value)s is an old name for %(zone)s: choose %(zone)s from the list.",
    }

    def __init__(self, **kwargs):
        super().__init__(choices=time_zone_choices, **kwargs)

    def prepare_value(self, value):
        return canonical_zone(value) or value

    def validate(self, value) -> None:
        if value and value not in canonical_zone_names() and (zone := canonical_zone(value)):
            raise ValidationError(self.error_messages["old_name"], code="old_name", params={"value": value, "zone": zone})
        super().validate(value)


def zone_of(user) -> zoneinfo.ZoneInfo:
    """Return the user's zone, falling back to UTC."""
    return zone_named(getattr(user, "time_zone", ""))


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone called `name`, falling back to UTC."""
    try:
        return zoneinfo.ZoneInfo(name or UTC)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(UTC)


def local_now(user, now: dt.datetime | None = None) -> dt.datetime:
    """Return the current moment in the user's zone."""
    return (now or timezone.now()).astimezone(zone_of(user))


def local_today(user, now: dt.datetime | None = None) -> dt.date:
    """Return the user's local calendar date."""
    return local_now(user, now).date()
