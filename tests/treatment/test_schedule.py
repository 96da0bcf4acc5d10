"""Dose schedules and adherence (R11, R16) at their boundaries."""

import datetime as dt
import itertools

import pytest

from bonetrack.treatment import schedule
from bonetrack.treatment.schedule import Adherence

D = dt.date


def dates(**kwargs):
    kwargs.setdefault("ended_on", None)
    return schedule.expected_dose_dates(**kwargs)


@pytest.mark.parametrize(
    ("kind", "start", "window", "expected"),
    [
        (
            schedule.WEEKLY,
            D(2024, 1, 1),
            (D(2024, 1, 1), D(2024, 1, 31)),
            [D(2024, 1, 1), D(2024, 1, 8), D(2024, 1, 15), D(2024, 1, 22), D(2024, 1, 29)],
        ),
        # Each month is counted from the start: 31 Jan → 28 Feb → 31 Mar, never drifting to the 28th.
        (
            schedule.MONTHLY,
            D(2023, 1, 31),
            (D(2023, 1, 1), D(2023, 5, 31)),
            [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31), D(2023, 4, 30), D(2023, 5, 31)],
        ),
        (schedule.MONTHLY, D(2024, 1, 31), (D(2024, 2, 1), D(2024, 3, 31)), [D(2024, 2, 29), D(2024, 3, 31)]),
        (
            schedule.EVERY_3_MONTHS,
            D(2023, 11, 30),
            (D(2023, 12, 1), D(2024, 12, 1)),
            [D(2024, 2, 29), D(2024, 5, 30), D(2024, 8, 30), D(2024, 11, 30)],
        ),
        (
            schedule.EVERY_6_MONTHS,
            D(2023, 8, 31),
            (D(2023, 8, 31), D(2024, 8, 31)),
            [D(2023, 8, 31), D(2024, 2, 29), D(2024, 8, 31)],
        ),
        (
            schedule.YEARLY,
            D(2020, 2, 29),
            (D(2020, 3, 1), D(2024, 12, 31)),
            [D(2021, 2, 28), D(2022, 2, 28), D(2023, 2, 28), D(2024, 2, 29)],
        ),
    ],
)
def test_expected_dose_dates_per_schedule(kind, start, window, expected):
    assert dates(schedule=kind, started_on=start, window_start=window[0], window_end=window[1]) == expected


def test_daily_over_a_90_day_window_counts_every_day_of_it():
    found = dates(schedule=schedule.DAILY, started_on=D(2023, 6, 1), window_start=D(2024, 1, 1), window_end=D(2024, 3, 30))
    assert len(found) == 90
    assert (found[0], found[-1]) == (D(2024, 1, 1), D(2024, 3, 30))


def test_a_course_starting_mid_window_is_scheduled_from_its_start():
    found = dates(schedule=schedule.WEEKLY, started_on=D(2024, 1, 10), window_start=D(2024, 1, 1), window_end=D(2024, 1, 31))
    assert found == [D(2024, 1, 10), D(2024, 1, 17), D(2024, 1, 24), D(2024, 1, 31)]


def test_a_course_ending_mid_window_stops_at_its_end_date_inclusive():
    common = {"schedule": schedule.MONTHLY, "started_on": D(2023, 6, 15), "window_start": D(2023, 12, 1)}
    found = dates(**common, ended_on=D(2024, 1, 20), window_end=D(2024, 2, 29))
    assert found == [D(2023, 12, 15), D(2024, 1, 15)]
    assert dates(**common, ended_on=D(2024, 1, 15), window_end=D(2024, 2, 29))[-1] == D(2024, 1, 15)
    assert dates(**common, ended_on=D(2024, 1, 14), window_end=D(2024, 2, 29)) == [D(2023, 12, 15)]


def test_window_edges_are_inclusive():
    common = {"schedule": schedule.WEEKLY, "started_on": D(2024, 1, 1)}
    assert dates(**common, window_start=D(2024, 1, 8), window_end=D(2024, 1, 8)) == [D(2024, 1, 8)]
    assert dates(**common, window_start=D(2024, 1, 9), window_end=D(2024, 1, 14)) == []
    assert dates(**common, window_start=D(2024, 1, 2), window_end=D(2024, 1, 15)) == [D(2024, 1, 8), D(2024, 1, 15)]


@pytest.mark.parametrize("kind", schedule.SCHEDULES)
def test_a_late_window_finds_the_same_doses_as_counting_every_dose_from_the_start(kind):
    """The first dose in a window is found directly; it must match walking the whole course dose by dose."""
    starts = [D(2019, 1, 31), D(2019, 2, 28), D(2020, 2, 29), D(2019, 8, 30), D(2019, 12, 31), D(2019, 3, 1)]
    window_starts = [D(2019, 1, 1), D(2021, 2, 28), D(2021, 3, 1), D(2022, 12, 31), D(2023, 3, 30)]
    for start, window_start in itertools.product(starts, window_starts):
        window_end = window_start + dt.timedelta(days=400)
        walked = []
        for index in itertools.count():
            day = schedule.add_intervals(kind, start, index)
            if day > window_end:
                break
            if day >= window_start:
                walked.append(day)
        found = dates(schedule=kind, started_on=start, window_start=window_start, window_end=window_end)
        assert found == walked, (start, window_start)


def test_max_doses_caps_the_whole_course_counted_from_its_start():
    romosozumab = {"schedule": schedule.MONTHLY, "started_on": D(2021, 3, 15), "max_doses": 12}
    whole = dates(**romosozumab, window_start=D(2021, 1, 1), window_end=D(2023, 1, 1))
    assert len(whole) == 12
    assert (whole[0], whole[-1]) == (D(2021, 3, 15), D(2022, 2, 15))
    # A window late in the course still stops at dose 12, not at 12 doses of the window.
    assert dates(**romosozumab, window_start=D(2022, 1, 1), window_end=D(2023, 1, 1)) == [D(2022, 1, 15), D(2022, 2, 15)]
    assert dates(**romosozumab, window_start=D(2022, 2, 16), window_end=D(2023, 1, 1)) == []


@pytest.mark.parametrize(
    ("window_start", "window_end", "ended_on"),
    [
        (D(2024, 2, 1), D(2024, 1, 1), None),  # window ends before it starts
        (D(2023, 1, 1), D(2023, 12, 31), None),  # window before the course
        (D(2024, 6, 1), D(2024, 6, 30), D(2024, 5, 31)),  # window after the course ended
    ],
)
def test_empty_windows_have_no_doses(window_start, window_end, ended_on):
    found = schedule.expected_dose_dates(
        schedule=schedule.DAILY, started_on=D(2024, 1, 1), ended_on=ended_on, window_start=window_start, window_end=window_end
    )
    assert found == []


def test_a_course_without_a_recorded_schedule_has_no_expected_doses():
    assert dates(schedule=None, started_on=D(2024, 1, 1), window_start=D(2024, 1, 1), window_end=D(2024, 12, 31)) == []


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="fortnightly"):
        dates(schedule="fortnightly", started_on=D(2024, 1, 1), window_start=D(2024, 1, 1), window_end=D(2024, 12, 31))


def due(**kwargs):
    base = {"schedule": schedule.EVERY_6_MONTHS, "started_on": D(2023, 2, 28), "last_dose_on": None}
    base |= {"ended_on": None, "max_doses": None, "doses_so_far": 0}
    return schedule.next_dose_due(**(base | kwargs))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, D(2023, 2, 28)),  # nothing recorded yet: due on the start date
        ({"last_dose_on": D(2023, 8, 31), "doses_so_far": 2}, D(2024, 2, 29)),  # denosumab: 6 months after the last
        ({"last_dose_on": D(2024, 2, 29), "doses_so_far": 3}, D(2024, 8, 29)),
        # A late dose moves the next one: it is due 6 months after the dose actually given, not the one scheduled.
        ({"last_dose_on": D(2023, 9, 20), "doses_so_far": 2}, D(2024, 3, 20)),
        ({"schedule": schedule.DAILY, "last_dose_on": D(2024, 2, 28), "doses_so_far": 9}, D(2024, 2, 29)),
        ({"schedule": schedule.WEEKLY, "last_dose_on": D(2024, 2, 26), "doses_so_far": 9}, D(2024, 3, 4)),
        ({"schedule": schedule.YEARLY, "last_dose_on": D(2024, 2, 29), "doses_so_far": 1}, D(2025, 2, 28)),
        # Romosozumab: dose 12 is still due after 11, nothing after 12.
        ({"schedule": schedule.MONTHLY, "last_dose_on": D(2024, 1, 31), "max_doses": 12, "doses_so_far": 11}, D(2024, 2, 29)),
        ({"schedule": schedule.MONTHLY, "last_dose_on": D(2024, 2, 29), "max_doses": 12, "doses_so_far": 12}, None),
        ({"last_dose_on": D(2023, 8, 31), "doses_so_far": 2, "ended_on": D(2023, 12, 1)}, None),  # course ended
        ({"schedule": None}, None),  # schedule not recorded
    ],
)
def test_next_dose_due(kwargs, expected):
    assert due(**kwargs) == expected


@pytest.mark.parametrize(
    ("scheduled", "taken", "percent", "adherent"),
    [
        (0, 0, None, None),
        (0, 3, None, None),
        (10, 10, 100, True),
        (10, 8, 80, True),
        (10, 7, 70, False),
        (91, 73, 80, True),  # 80.2 %
        (91, 72, 79, False),  # 79.1 %
        (3, 2, 67, False),
        (8, 1, 13, False),  # 12.5 % rounds half up, not to the even 12
        (200, 159, 80, True),  # 79.5 % rounds to 80: the label follows the number shown
        (4, 5, 100, True),  # more taken than scheduled: capped
        (12, 0, 0, False),
    ],
)
def test_adherence(scheduled, taken, percent, adherent):
    assert schedule.adherence(scheduled=scheduled, taken=taken) == Adherence(scheduled, taken, percent, adherent)


def test_negative_dose_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        schedule.adherence(scheduled=3, taken=-1)


def window(**kwargs):
    base = {"schedule": schedule.DAILY, "started_on": D(2023, 1, 1), "ended_on": None, "max_doses": None}
    base |= {"window_start": D(2024, 1, 1), "window_end": D(2024, 3, 30)}
    return schedule.window_adherence(**(base | kwargs))


def every_day(first, count):
    return [first + dt.timedelta(days=n) for n in range(count)]


def test_daily_adherence_over_90_days_at_the_80_percent_threshold():
    assert window(taken_dates=every_day(D(2024, 1, 1), 72)) == Adherence(90, 72, 80, True)
    assert window(taken_dates=every_day(D(2024, 1, 1), 71)) == Adherence(90, 71, 79, False)


def test_only_doses_taken_inside_the_window_count_and_a_day_counts_once():
    taken = [D(2023, 12, 31), D(2024, 1, 1), D(2024, 1, 1), D(2024, 3, 30), D(2024, 3, 31)]
    assert window(taken_dates=taken) == Adherence(90, 2, 2, False)


def test_weekly_adherence_of_a_course_starting_mid_window():
    result = window(
        schedule=schedule.WEEKLY,
        started_on=D(2024, 1, 10),
        taken_dates=[D(2024, 1, 10), D(2024, 1, 18), D(2024, 1, 24)],
        window_start=D(2024, 1, 1),
        window_end=D(2024, 1, 31),
    )
    assert result == Adherence(4, 3, 75, False)


def test_six_monthly_adherence_counts_a_clinic_given_dose_recorded_late():
    result = window(
        schedule=schedule.EVERY_6_MONTHS,
        started_on=D(2022, 3, 1),
        taken_dates=[D(2022, 3, 1), D(2022, 9, 1), D(2023, 4, 6)],
        window_start=D(2022, 3, 1),
        window_end=D(2023, 6, 30),
    )
    assert result == Adherence(3, 3, 100, True)


def test_more_doses_taken_than_scheduled_caps_at_100():
    result = window(
        schedule=schedule.MONTHLY,
        started_on=D(2024, 1, 15),
        taken_dates=every_day(D(2024, 1, 15), 5),
        window_start=D(2024, 1, 1),
        window_end=D(2024, 3, 31),
    )
    assert result == Adherence(3, 5, 100, True)


def test_romosozumab_adherence_stops_counting_after_dose_12():
    doses = [schedule.add_intervals(schedule.MONTHLY, D(2021, 3, 15), n) for n in range(12)]
    result = window(
        schedule=schedule.MONTHLY,
        started_on=D(2021, 3, 15),
        max_doses=12,
        taken_dates=doses,
        window_start=D(2021, 1, 1),
        window_end=D(2022, 12, 31),
    )
    assert result == Adherence(12, 12, 100, True)


def test_a_course_without_a_schedule_has_no_adherence():
    assert window(schedule=None, taken_dates=[D(2024, 1, 2)]) == Adherence(0, 1, None, None)
