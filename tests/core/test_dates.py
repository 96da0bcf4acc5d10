"""Dates and moments read from requests stay inside a window where arithmetic and zone conversion cannot overflow."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bonetrack.core.dates import EARLIEST_MOMENT, LATEST_MOMENT, clamp_date, clamp_moment

BORN, TODAY = dt.date(1958, 5, 20), dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-03-04", dt.date(2020, 3, 4)),
        ("0001-01-01", BORN),
        ("1900-01-01", BORN),
        ("9999-12-31", TODAY),
        ("not a date", TODAY),
        (None, TODAY),
    ],
)
def test_clamp_date_moves_navigation_inside_the_bounds(value, expected):
    assert clamp_date(value, default=TODAY, earliest=BORN, latest=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-01T10:00:00+02:00", dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)),
        ("0001-01-01T00:00:00+01:00", EARLIEST_MOMENT),
        ("0001-01-01T00:00:00-14:00", EARLIEST_MOMENT),
        ("9999-12-31T23:59:59-14:00", LATEST_MOMENT),
        ("9999-12-31T23:59:59+14:00", LATEST_MOMENT),
        ("2024-01-01T10:00:00", None),  # no offset: which moment is meant is unknown
        ("yesterday", None),
        (None, None),
    ],
)
def test_clamp_moment_keeps_cursors_convertible(value, expected):
    moment = clamp_moment(value)
    assert moment == expected
    if moment is not None:
        # Every zone a patient may live in can show it, a week either side.
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
            (moment - dt.timedelta(days=7)).astimezone(ZoneInfo(zone))
            (moment + dt.timedelta(days=7)).astimezone(ZoneInfo(zone))
