"""Calendar arithmetic shared by the apps (month steps, a local day's start) and the bounds on dates read from requests."""

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


# Every date or moment read from a request is kept inside this window. Nothing in a living patient's record is
# older, and it keeps date arithmetic and time-zone conversion (a week back, a month on, UTC to the patient's zone)
# far from the year 1 and year 9999 limits where Python raises OverflowError.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
EARLIEST_MOMENT = dt.datetime.combine(EARLIEST_DATE, dt.time.min, tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime.combine(LATEST_DATE, dt.time.max, tzinfo=dt.UTC)


def clamp_date(value: str | None, *, default: dt.date, earliest: dt.date, latest: dt.date) -> dt.date:
    """For navigation (`?date=`, `?week=`): the date asked for, moved inside [earliest, latest]; `default` if unreadable."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        day = default
    return min(max(day, earliest, EARLIEST_DATE), latest, LATEST_DATE)


def clamp_moment(value: str | None) -> dt.datetime | None:
    """An ISO 8601 moment with a UTC offset (a paging cursor), moved inside the window; None if unreadable or naive."""
    try:
        moment = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    # Compare on naive UTC wall times: converting 0001-01-01T00:00+01:00 itself to UTC would overflow.
    offset = moment.utcoffset()
    naive = moment.replace(tzinfo=None)
    if naive - EARLIEST_MOMENT.replace(tzinfo=None) < offset:
        return EARLIEST_MOMENT
    if naive - LATEST_MOMENT.replace(tzinfo=None) > offset:
        return LATEST_MOMENT
    return moment.astimezone(dt.UTC)
