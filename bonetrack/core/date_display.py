"""Dates shown the way each person chose: 29 Nov 2026, Nov 29, 2026 or 2026-11-29.

The style in force lives in a context variable. `DateFormatMiddleware` sets it from the signed-in user for each
request; emails and tasks set it for their recipient with `with day_format(user.date_format):`. Everything that
shows a calendar day to a person goes through `format_day` (Python) or the `|day` and `|day_time` template filters
(bonetrack/core/templatetags/day_filters.py, a template builtin). Stored dates, date inputs (`value="2026-11-29"`)
and machine-readable attributes (`datetime="..."`) stay ISO whatever the style.
"""

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from functools import cache

from django.utils import dateformat, timezone

DMY, MDY, ISO = "dmy", "mdy", "iso"
STYLES = (DMY, MDY, ISO)
DEFAULT_STYLE = DMY

_style: contextvars.ContextVar[str] = contextvars.ContextVar("bonetrack_date_style", default=DEFAULT_STYLE)


def current_style() -> str:
    """The date style in force (the request's user, or an email's recipient)."""
    return _style.get()


@contextlib.contextmanager
def day_format(style: str | None) -> Iterator[None]:
    """Show dates in `style` inside the block (an unknown or empty style means the default), then restore the last."""
    token = _style.set(style if style in STYLES else DEFAULT_STYLE)
    try:
        yield
    finally:
        _style.reset(token)


def format_day(
    value: dt.date | None,
    style: str | None = None,
    *,
    weekday: bool | str = False,
    long: bool = False,
    year: bool = True,
    time: bool = False,
) -> str:
    """A calendar day in the person's style ("" for None).

    `weekday` adds the day's name (True: "Sun", "long": "Sunday"), `long` spells the month out (November),
    `year=False` leaves the year out (the ISO style always shows it), and `time` adds the hours and minutes of a
    datetime, in the active time zone.
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
    else:
        time = False
    weekday = "long" if weekday == "long" else bool(weekday)
    return dateformat.format(value, _pattern(style if style in STYLES else current_style(), weekday, long, year, time))


@cache
def _pattern(style: str, weekday: bool | str, long: bool, year: bool, time: bool) -> str:
    """The Django date format (as for the `date` filter) of one combination."""
    month = "F" if long else "M"
    name = "l" if weekday == "long" else "D"
    if style == ISO:
        day = "Y-m-d"
        prefix = f"{name} " if weekday else ""
        suffix = " H:i" if time else ""
    elif style == MDY:
        day = f"{month} j, Y" if year else f"{month} j"
        prefix = f"{name}, " if weekday else ""
        suffix = ", H:i" if time else ""
    else:
        day = f"j {month} Y" if year else f"j {month}"
        prefix = f"{name} " if weekday else ""
        suffix = ", H:i" if time else ""
    return prefix + day + suffix


def chart_day_format(*, year: bool = True) -> str:
    """The d3 time format of a calendar day in the active style, for chart hover text (`%{x|...}` in Plotly)."""
    style = current_style()
    if style == ISO:
        return "%Y-%m-%d"
    if style == MDY:
        return "%b %-d, %Y" if year else "%b %-d"
    return "%-d %b %Y" if year else "%-d %b"
