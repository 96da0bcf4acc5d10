"""Calendar arithmetic shared by the apps (month steps, a local day's start)."""

import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's last day (29 Feb → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def local_midnight(day: dt.date, zone) -> dt.datetime:
    """The aware moment `day` starts in `zone` (date-only facts on a timeline sit there)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)
