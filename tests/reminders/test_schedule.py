"""Stage arithmetic (R6): 09:00 local, time zones, DST, the overdue cap, catching up without a burst."""

import datetime as dt
import zoneinfo

from bonetrack.reminders import kinds
from bonetrack.reminders.schedule import current, current_stage, latest_due_date_in_play, plan, send_moment, upcoming, zone

OFFSETS = kinds.SCAN_DUE.offsets
UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_scan_stages_are_30_days_before_the_due_date_and_three_overdue():
    assert OFFSETS == (-30, 0, 30, 60, 90)


def test_send_moment_is_nine_in_the_morning_local_time():
    due = dt.date(2026, 7, 15)
    assert send_moment(due, 0, LONDON) == utc(2026, 7, 15, 8)  # BST, UTC+1
    assert send_moment(due, 0, NEW_YORK) == utc(2026, 7, 15, 13)  # EDT, UTC-4
    assert send_moment(due, 0, SYDNEY) == utc(2026, 7, 14, 23)  # AEST, UTC+10: the evening before in UTC
    assert send_moment(due, -30, UTC) == utc(2026, 6, 15, 9)


def test_a_dst_change_between_stages_keeps_nine_local():
    # London leaves summer time on 25 Oct 2026: the -30 stage is in BST, the due date in GMT.
    due = dt.date(2026, 11, 10)
    assert send_moment(due, -30, LONDON) == utc(2026, 10, 11, 8)
    assert send_moment(due, 0, LONDON) == utc(2026, 11, 10, 9)
    # New York starts summer time on 8 Mar 2026; the stage on the day of the change is still 09:00 local.
    assert send_moment(dt.date(2026, 3, 8), 0, NEW_YORK) == utc(2026, 3, 8, 13)
    assert send_moment(dt.date(2026, 3, 7), 0, NEW_YORK) == utc(2026, 3, 7, 14)


def test_the_stage_becomes_current_at_nine_local_not_at_midnight():
    due = dt.date(2026, 12, 1)
    assert current_stage(due, OFFSETS, NEW_YORK, utc(2026, 11, 1, 13, 59)) is None  # 08:59 EST on the -30 date
    assert current_stage(due, OFFSETS, NEW_YORK, utc(2026, 11, 1, 14, 0)) == -30
    assert current_stage(due, OFFSETS, NEW_YORK, utc(2026, 12, 1, 13, 59)) == -30
    assert current_stage(due, OFFSETS, NEW_YORK, utc(2026, 12, 1, 14, 0)) == 0


def test_same_due_date_differs_by_zone_at_the_same_instant():
    due = dt.date(2026, 11, 24)
    now = utc(2026, 11, 23, 23)  # 10:00 on the 24th in Sydney, 17:00 on the 23rd in Chicago
    assert current_stage(due, OFFSETS, SYDNEY, now) == 0
    assert current_stage(due, OFFSETS, zoneinfo.ZoneInfo("America/Chicago"), now) == -30


def test_overdue_reminders_are_capped_at_three():
    due = dt.date(2025, 1, 10)
    assert current_stage(due, OFFSETS, UTC, utc(2025, 2, 9, 9)) == 30
    assert current_stage(due, OFFSETS, UTC, utc(2025, 3, 11, 9)) == 60
    assert current_stage(due, OFFSETS, UTC, utc(2025, 4, 10, 9)) == 90
    # A year later it is still the third overdue stage: nothing new becomes current after the cap.
    assert current_stage(due, OFFSETS, UTC, utc(2026, 4, 10, 9)) == 90
    assert upcoming(due, OFFSETS, UTC, utc(2025, 4, 10, 9)) == []


def test_late_first_sight_gives_only_the_latest_stage():
    # Seen for the first time 45 days overdue: the 30-days-overdue stage, not a burst of three.
    due = dt.date(2026, 1, 1)
    assert current_stage(due, OFFSETS, UTC, utc(2026, 2, 15, 12)) == 30


def test_upcoming_lists_what_is_still_to_come():
    due = dt.date(2026, 12, 1)
    moments = upcoming(due, OFFSETS, LONDON, utc(2026, 11, 20))
    assert [offset for offset, _ in moments] == [0, 30, 60, 90]
    assert moments[0][1] == utc(2026, 12, 1, 9)


def test_window_of_due_dates_in_play_covers_every_zone():
    today = dt.date(2026, 11, 22)
    assert latest_due_date_in_play(today, OFFSETS) == dt.date(2026, 12, 23)
    # The furthest-ahead zone (UTC+14) reaches its -30 date a day before UTC does: that date is in the window,
    # the next one cannot be current before the UTC day ends.
    kiribati = zoneinfo.ZoneInfo("Pacific/Kiritimati")
    due = latest_due_date_in_play(today, OFFSETS)
    assert send_moment(due, -30, kiribati) == utc(2026, 11, 22, 19)
    assert send_moment(due + dt.timedelta(days=1), -30, kiribati) > utc(2026, 11, 22, 23, 59, 59)


def test_unknown_zone_falls_back_to_utc():
    assert zone("Not/AZone") is UTC
    assert zone("").utcoffset(None) == dt.timedelta(0)


def test_plan_without_a_known_moment_is_every_stage():
    due = dt.date(2026, 12, 1)
    assert [(s.offset, s.catch_up) for s in plan(due, OFFSETS, LONDON, None)] == [(o, False) for o in OFFSETS]


def test_plan_drops_stages_already_past_when_the_date_became_known():
    due = dt.date(2026, 12, 1)
    stages = plan(due, OFFSETS, LONDON, utc(2026, 11, 20, 12))  # 11 days before the due date
    assert [(s.offset, s.catch_up) for s in stages] == [(0, False), (30, False), (60, False), (90, False)]


def test_plan_replaces_past_overdue_stages_with_one_notice_at_the_next_nine_local():
    due = dt.date(2025, 1, 10)
    known = utc(2026, 11, 20, 22, 30)  # 09:30 on the 21st in Sydney: the next 09:00 there is on the 22nd
    ((notice,),) = [plan(due, OFFSETS, SYDNEY, known)]
    assert (notice.offset, notice.catch_up, notice.moment) == (90, True, utc(2026, 11, 21, 22))
    # An hour of grace at least: known at 08:30 London, the notice waits for the next morning.
    ((notice,),) = [plan(due, OFFSETS, LONDON, utc(2026, 11, 20, 8, 30))]
    assert notice.moment == utc(2026, 11, 21, 9)
    assert current(plan(due, OFFSETS, LONDON, utc(2026, 11, 20, 8, 30)), utc(2026, 11, 21, 8, 59)) is None


def test_plan_gives_no_notice_when_a_regular_stage_comes_first():
    due = dt.date(2026, 1, 1)
    known = utc(2026, 3, 2, 10)  # after 09:00 on the day of the 60-days-overdue stage
    assert [(s.offset, s.catch_up) for s in plan(due, OFFSETS, UTC, known)] == [(60, True), (90, False)]
    known = utc(2026, 3, 1, 8, 30)  # the notice would wait for 09:00 on 2 March: the 60-day stage is then anyway
    assert [(s.offset, s.catch_up) for s in plan(due, OFFSETS, UTC, known)] == [(60, False), (90, False)]
