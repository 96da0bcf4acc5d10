"""The report's figures against small windows counted by hand. Windows include both their first and last day."""

import datetime as dt
from decimal import Decimal

import pytest

from bonetrack.progress.report import build_report, default_window, whole_weeks, windows_for
from dexa import rules
from dexa.history import load_history
from exercise.models import Category
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import CourseFactory, DoseFactory, FallFactory, FractureFactory, PatientFactory
from tests.labs.factories import LabResultFactory
from tests.nutrition.factories import TargetOverrideFactory

from .conftest import full_week, log, train

TODAY = dt.date(2025, 1, 15)
EARLIER, LATER = dt.date(2024, 6, 10), dt.date(2024, 6, 20)  # 11 days, both included


@pytest.fixture
def woman(db):
    """Turns 51 on 15 June 2024, inside the window: her calcium target goes from 1000 to 1200 mg (R7)."""
    return PatientFactory(date_of_birth=dt.date(1973, 6, 15), sex="female")


def _scans(patient, earlier=EARLIER, later=LATER, **later_kwargs):
    facility = FacilityFactory()
    make_scan(patient, earlier, {"lumbar_spine": ("0.800", "-2.3"), "total_hip": ("0.700", "-1.9")}, facility=facility)
    make_scan(
        patient, later, {"lumbar_spine": ("0.830", "-2.1"), "total_hip": ("0.690", "-2.0")}, facility=facility, **later_kwargs
    )


def _pair_report(patient, today=TODAY):
    windows = windows_for(load_history(patient), today)
    return build_report(patient, default_window(windows))


def test_windows_are_each_pair_of_consecutive_scans_then_the_latest_to_today(woman):
    _scans(woman)
    make_scan(woman, dt.date(2023, 1, 5), {"lumbar_spine": ("0.790", "-2.4")})
    windows = windows_for(load_history(woman), TODAY)
    assert [(w.start, w.end, w.later is None) for w in windows] == [
        (dt.date(2023, 1, 5), EARLIER, False),
        (EARLIER, LATER, False),
        (LATER, TODAY, True),
    ]
    assert windows[1].days == 11
    assert default_window(windows) is windows[1]
    assert windows[2].key == f"{windows[2].earlier.pk}-today"


def test_calcium_and_vitamin_d_days_with_a_birthday_oxalate_and_supplements(woman):
    _scans(woman)
    log(woman, dt.date(2024, 6, 9), calcium=2000, vitamin_d=2000)  # the day before: outside
    log(woman, EARLIER, calcium=1000)  # first day, age 50: target 1000 → met
    log(woman, dt.date(2024, 6, 14), calcium=1100, vitamin_d=700)  # age 50: met; vitamin D 700 < 800
    log(woman, dt.date(2024, 6, 15), calcium=1100)  # 51 today: target 1200 → not met
    log(woman, dt.date(2024, 6, 16), calcium=700)
    log(woman, dt.date(2024, 6, 16), calcium=600, supplement=True)  # supplements count: 1300 → met
    log(woman, dt.date(2024, 6, 16), vitamin_d=1000, supplement=True)  # vitamin D met
    log(woman, dt.date(2024, 6, 17), calcium=900)
    log(woman, dt.date(2024, 6, 17), calcium=400, oxalate=True)  # spinach: not counted (R8), 900 → not met
    log(woman, LATER, calcium=1250, vitamin_d=800)  # last day: met, met
    log(woman, dt.date(2024, 6, 21), calcium=2000, vitamin_d=2000)  # the day after: outside

    nutrition = _pair_report(woman).nutrition

    assert (nutrition.days, nutrition.logged_days) == (11, 6)
    assert (nutrition.calcium_met, nutrition.calcium_percent) == (4, 67)
    assert (nutrition.vitamin_d_met, nutrition.vitamin_d_percent) == (2, 33)
    assert nutrition.calcium_targets == ("1000 mg from 10 Jun 2024", "1200 mg from 15 Jun 2024")
    assert nutrition.vitamin_d_targets == ("800 IU from 10 Jun 2024",)


def test_a_care_team_calcium_target_replaces_the_default(woman):
    _scans(woman)
    TargetOverrideFactory(patient=woman, nutrient="calcium_mg", value=Decimal(1250))
    log(woman, EARLIER, calcium=1200)  # below 1250
    log(woman, LATER, calcium=1250)  # reaches it exactly
    nutrition = _pair_report(woman).nutrition
    assert (nutrition.logged_days, nutrition.calcium_met) == (2, 1)
    assert nutrition.calcium_targets == ("1250 mg from 10 Jun 2024",)


def test_medication_adherence_counts_doses_inside_the_window(woman):
    _scans(woman)
    # Weekly from Monday 3 June: due 10 and 17 June inside the window.
    course = CourseFactory(patient=woman, started_on=dt.date(2024, 6, 3))
    DoseFactory(course=course, on=dt.date(2024, 6, 3))  # before the window
    DoseFactory(course=course, on=EARLIER)  # first day: counts
    DoseFactory(course=course, on=dt.date(2024, 6, 17), status="missed")
    DoseFactory(course=course, on=dt.date(2024, 6, 24))  # after the window
    [medication] = _pair_report(woman).medications
    assert medication.drug == "Alendronate"
    assert (medication.adherence.scheduled, medication.adherence.taken, medication.percent) == (2, 1, 50)
    assert medication.adherence.adherent is False


def test_medication_not_recorded_before_any_course(woman):
    _scans(woman)
    CourseFactory(patient=woman, started_on=dt.date(2024, 7, 1))  # starts after the window
    assert _pair_report(woman).medications == []


def test_exercise_counts_whole_weeks_inside_the_window(db):
    patient = PatientFactory()
    # Wednesday 5 June to Wednesday 26 June: whole weeks from Monday 10 and Monday 17 June.
    _scans(patient, dt.date(2024, 6, 5), dt.date(2024, 6, 26))
    full_week(patient, dt.date(2024, 6, 10))
    full_week(patient, dt.date(2024, 6, 17), walking_minutes=140)  # 10 minutes short of 150
    train(patient, dt.date(2024, 6, 6), Category.WEIGHT_BEARING, 200)  # inside the window, but not a whole week
    exercise = _pair_report(patient).exercise
    assert (exercise.weeks, exercise.all_met) == (2, 1)
    assert dict(exercise.per_goal) == {
        "Resistance training": 2,
        "Balance": 2,
        "Weight-bearing aerobic": 1,
        "Posture / back extensors": 2,
    }
    assert (exercise.first_monday, exercise.last_sunday) == (dt.date(2024, 6, 10), dt.date(2024, 6, 23))


def test_whole_weeks_at_the_edges():
    class Window:
        def __init__(self, start, end):
            self.start, self.end = start, end

    # Monday to Sunday exactly: one week; Tuesday to the next Monday: none.
    assert whole_weeks(Window(dt.date(2024, 6, 10), dt.date(2024, 6, 16))) == [dt.date(2024, 6, 10)]
    assert whole_weeks(Window(dt.date(2024, 6, 11), dt.date(2024, 6, 17))) == []


def test_latest_vitamin_d_on_or_before_the_end_and_falls_and_fractures_in_the_window(woman):
    _scans(woman)
    LabResultFactory(patient=woman, taken_on=dt.date(2024, 1, 2), entered_value=Decimal("18"))
    LabResultFactory(patient=woman, taken_on=dt.date(2024, 6, 21), entered_value=Decimal("40"))  # after the end
    FallFactory(patient=woman, occurred_on=dt.date(2024, 6, 12), injury=True)
    FallFactory(patient=woman, occurred_on=dt.date(2024, 6, 21))  # after the end
    FractureFactory(patient=woman, occurred_on=LATER, site="wrist")  # the last day counts
    FractureFactory(patient=woman, occurred_on=dt.date(2024, 6, 9))  # before the start
    report = _pair_report(woman)
    assert report.vitamin_d.value == Decimal("18.00")
    assert (report.vitamin_d.status.key, report.vitamin_d.in_window) == ("deficient", False)
    assert [(e.kind, e.day, e.text) for e in report.events] == [
        ("fall", dt.date(2024, 6, 12), "A fall, hurt"),
        ("fracture", LATER, "Wrist (distal forearm) fracture (fragility)"),
    ]


def test_bmd_change_per_site_uses_r4(woman):
    _scans(woman)
    sites = {s.site: s for s in _pair_report(woman).sites}
    spine, hip = sites[rules.LUMBAR_SPINE].change, sites[rules.TOTAL_HIP].change
    # Spine +0.030 against a default LSC of 3 % of 0.800 = 0.024: gain (+3.8 %). Hip −0.010 against 0.0252: stable.
    assert (spine.status, spine.delta, spine.percent, spine.lsc_source) == (
        "gain",
        Decimal("0.030"),
        Decimal("3.8"),
        "default LSC",
    )
    assert (hip.status, hip.delta) == ("stable", Decimal("-0.010"))


def test_different_makes_are_not_comparable(woman):
    _scans(woman, make="ge_lunar")
    report = _pair_report(woman)
    assert report.not_comparable
    assert {s.change.status for s in report.sites} == {"not_comparable"}
