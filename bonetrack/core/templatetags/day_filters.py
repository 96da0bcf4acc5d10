"""`|day` and `|day_time`: dates in the person's chosen style (a template builtin, so templates need no {% load %}).

    {{ scan.scanned_on|day }}                        29 Nov 2026 · Nov 29, 2026 · 2026-11-29
    {{ today|day:"long" }}                           29 November 2026
    {{ session.date|day:"weekday" }}                 Sun 29 Nov 2026
    {{ session.date|day:"long_weekday no_year" }}    Sunday 29 Nov
    {{ today|day:"long_weekday long" }}              Sunday 29 November 2026
    {{ event.at|day_time }}                          29 Nov 2026, 14:05 (in the active time zone)

Values for machines (`value="{{ day|date:'Y-m-d' }}"`, `datetime="{{ at|date:'c' }}"`) keep the `date` filter.
"""

from django import template

from bonetrack.core.date_display import format_day

register = template.Library()

OPTIONS = frozenset({"weekday", "long_weekday", "long", "no_year"})


def _options(arg: str) -> dict[str, bool | str]:
    words = set(arg.split())
    if not words <= OPTIONS:
        raise template.TemplateSyntaxError(f"Unknown |day option {sorted(words - OPTIONS)}; use {sorted(OPTIONS)}.")
    weekday = "long" if "long_weekday" in words else "weekday" in words
    return {"weekday": weekday, "long": "long" in words, "year": "no_year" not in words}


@register.filter(expects_localtime=True)
def day(value, arg: str = "") -> str:
    """A calendar day (a date, or a datetime's local day) in the active style."""
    if not value:
        return ""
    try:
        return format_day(value, **_options(arg))
    except AttributeError:  # not a date: shown as nothing, as the `date` filter does
        return ""


@register.filter(expects_localtime=True)
def day_time(value, arg: str = "") -> str:
    """A moment's local day and time (hours and minutes) in the active style."""
    if not value:
        return ""
    try:
        return format_day(value, time=True, **_options(arg))
    except AttributeError:  # not a date: shown as nothing, as the `date` filter does
        return ""
