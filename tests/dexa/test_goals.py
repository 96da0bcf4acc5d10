"""R13, the treatment goal per site: the pure rules, every expected value worked out by hand in the comments."""

import datetime as dt
from decimal import Decimal as D

import pytest

from dexa import goals
from dexa.history import build_history
from dexa.models import DexaScan, Facility, SiteMeasurement

NECK, HIP, SPINE = "femoral_neck", "total_hip", "lumbar_spine"
DEFAULT = D("-2.5")


def scan(day: dt.date, sites: dict, *, make="hologic", model="Horizon A", facility=None) -> DexaScan:
    """An unsaved scan with {site: (bmd, t)}: the rules never touch the database."""
    s = DexaScan(scanned_on=day, make=make, model=model)
    s.facility = facility or Facility(name="Clinic")
    s.measurement_list = [SiteMeasurement(site=site, bmd=D(bmd), t_score=D(t)) for site, (bmd, t) in sites.items()]
    return s


def summary(*scans, goal=DEFAULT, clinician=False, today=None) -> goals.GoalSummary:
    return goals.goal_summary(build_history(list(scans)), goal, set_by_clinician=clinician, today=today)


def only(result: goals.GoalSummary) -> goals.SiteGoal:
    (site,) = result.sites
    return site


def test_two_scans_project_from_the_latest_t_score_along_the_slope():
    # 2020-01-01 → 2022-01-01 is 731 days; T rises 0.3 over them. BMD 0.600 → 0.640: +0.040 ≥ 5% of 0.600 = 0.030.
    # Slope = 0.3 / (731 / 365.25) = 0.1499 a year. From −2.6, the 0.1 left takes 0.1 / 0.3 × 731 = 243.7 → 244 days:
    # 1 Jan 2022 + 244 days = 2 Sep 2022.
    site = only(
        summary(scan(dt.date(2020, 1, 1), {NECK: ("0.600", "-2.9")}), scan(dt.date(2022, 1, 1), {NECK: ("0.640", "-2.6")}))
    )
    assert (site.reached, site.distance, site.outlook) == (False, D("0.1"), goals.PROJECTED)
    assert site.trend.scans == 2
    assert site.trend.slope == pytest.approx(0.3 * 365.25 / 731)
    assert site.trend.change.status == "gain"
    assert site.projected_on == dt.date(2022, 9, 2)
    assert site.status == goals.ON_TRACK
    assert site.position_text == "0.1 below the goal."
    assert site.outlook_text == "If the current trend continues (+0.15 a year), you would reach it around September 2022."


def test_five_scans_use_the_least_squares_slope_and_a_clinicians_goal():
    # Every 1461 days (exactly 4 years of 365.25 days): x = 0, 4, 8, 12, 16; T = −3.0, −2.9, −2.5, −2.6, −2.2.
    # x̄ = 8, ȳ = −2.64; Σdx·dy = (−8)(−0.36) + (−4)(−0.26) + 0 + 4(0.04) + 8(0.44) = 7.6; Σdx² = 160 → slope 0.0475.
    # Goal above −2.0: 0.2 to go → 0.2 / 0.0475 × 365.25 = 1537.9 → 1538 days after 1 Jan 2016 = 18 Mar 2020.
    # BMD 0.700 → 0.800: +0.100 ≥ 3.6% of 0.700 = 0.0252, a significant gain.
    days = [dt.date(2000, 1, 1) + dt.timedelta(days=1461 * k) for k in range(5)]
    t_scores = ["-3.0", "-2.9", "-2.5", "-2.6", "-2.2"]
    bmds = ["0.700", "0.720", "0.760", "0.750", "0.800"]
    result = summary(
        *(scan(d, {HIP: (b, t)}) for d, b, t in zip(days, bmds, t_scores, strict=True)), goal=D("-2.0"), clinician=True
    )
    site = only(result)
    assert days[-1] == dt.date(2016, 1, 1)
    assert site.trend.slope == pytest.approx(0.0475)
    assert site.projected_on == dt.date(2020, 3, 18)
    assert (result.goal_label, result.goal_text) == ("set by your clinician", "above −2.0")
    assert site.outlook_text == "If the current trend continues (+0.05 a year), you would reach it around March 2020."
    assert "5 scans on the same scanner make, Jan 2000 to Jan 2016; least-squares slope +0.048" in site.trend.detail_text
    assert "BMD change +0.100 g/cm² against an LSC of 0.025 g/cm² (default LSC): significant gain." in site.trend.detail_text


def test_a_make_change_splits_the_series():
    lunar = scan(dt.date(2015, 1, 1), {NECK: ("0.500", "-3.5")}, make="ge_lunar", model="Prodigy")
    first = scan(dt.date(2018, 1, 1), {NECK: ("0.600", "-2.9")})
    last = scan(dt.date(2020, 1, 1), {NECK: ("0.640", "-2.7")})
    site = only(summary(lunar, first, last))
    # Only the two Hologic scans: 0.2 over 730 days, never the −3.5 from the Lunar scan.
    assert (site.trend.scans, site.trend.first_on) == (2, dt.date(2018, 1, 1))
    assert site.trend.slope == pytest.approx(0.2 * 365.25 / 730)
    # A make change at the latest scan leaves one comparable scan: no trend, whatever came before.
    switched = scan(dt.date(2021, 6, 1), {NECK: ("0.700", "-2.6")}, make="ge_lunar", model="Prodigy")
    site = only(summary(lunar, first, last, switched))
    assert (site.trend, site.outlook, site.status) == (None, goals.TOO_FEW_SCANS, goals.NO_TREND)
    assert site.outlook_text == "A trend needs two scans on the same scanner make, at least 12 months apart."


def test_no_significant_gain_means_no_projection():
    # +0.020 g/cm² < 5% of 0.600 = 0.030 (default LSC), even though the T-score rose 0.2.
    site = only(
        summary(scan(dt.date(2020, 1, 1), {NECK: ("0.600", "-2.8")}), scan(dt.date(2022, 1, 1), {NECK: ("0.620", "-2.6")}))
    )
    assert (site.outlook, site.projected_on, site.status) == (goals.NO_GAIN, None, goals.NOT_ON_TRACK)
    assert site.outlook_text == "No significant gain yet: no projection."


def test_the_facilitys_lsc_decides_the_gain():
    # The same +0.020 is significant against the clinic's own LSC of 0.015 g/cm².
    clinic = Facility(name="Own", lsc_femoral_neck=D("0.015"))
    site = only(
        summary(
            scan(dt.date(2020, 1, 1), {NECK: ("0.600", "-2.8")}, facility=clinic),
            scan(dt.date(2022, 1, 1), {NECK: ("0.620", "-2.6")}, facility=clinic),
        )
    )
    assert (site.outlook, site.trend.change.lsc_source) == (goals.PROJECTED, "facility LSC")


def test_more_than_ten_years_is_not_projected():
    # Slope 0.1 over 731 days = 0.05 a year; from −3.4 the 0.9 left takes 18 years > 10.
    site = only(
        summary(scan(dt.date(2020, 1, 1), {NECK: ("0.600", "-3.5")}), scan(dt.date(2022, 1, 1), {NECK: ("0.650", "-3.4")}))
    )
    assert (site.outlook, site.projected_on, site.status) == (goals.BEYOND_CAP, None, goals.NOT_ON_TRACK)
    assert site.outlook_text == "If the current trend continues (+0.05 a year): more than 10 years at the current rate."
    # From −2.9 the 0.4 left takes 0.4 / 0.1 × 731 = 2924 days (8.0 years): 1 Jan 2022 + 2922 days (8 years with two
    # leap days) = 1 Jan 2030, + 2 = 3 Jan 2030.
    site = only(
        summary(scan(dt.date(2020, 1, 1), {NECK: ("0.600", "-3.0")}), scan(dt.date(2022, 1, 1), {NECK: ("0.650", "-2.9")}))
    )
    assert (site.outlook, site.projected_on) == (goals.PROJECTED, dt.date(2030, 1, 3))


def test_less_than_twelve_months_apart_gives_no_trend():
    site = only(
        summary(scan(dt.date(2021, 1, 1), {NECK: ("0.600", "-2.9")}), scan(dt.date(2021, 12, 31), {NECK: ("0.700", "-2.6")}))
    )
    assert (site.trend, site.status) == (None, goals.NO_TREND)
    site = only(
        summary(scan(dt.date(2021, 1, 1), {NECK: ("0.600", "-2.9")}), scan(dt.date(2022, 1, 1), {NECK: ("0.700", "-2.6")}))
    )
    assert site.trend is not None


def test_a_falling_t_score_despite_a_bmd_gain_is_not_projected():
    # BMD 0.600 → 0.640 is a gain, but T goes −2.6, −2.4, −2.8, 365 days apart (d = 365 / 365.25 years):
    # x̄ = d, ȳ = −2.6; Σdx·dy = (−d)(0) + 0 + (d)(−0.2) = −0.2d; Σdx² = 2d² → slope −0.1 / d.
    site = only(
        summary(
            scan(dt.date(2021, 1, 1), {NECK: ("0.600", "-2.6")}),
            scan(dt.date(2022, 1, 1), {NECK: ("0.620", "-2.4")}),
            scan(dt.date(2023, 1, 1), {NECK: ("0.640", "-2.8")}),
        )
    )
    assert (site.outlook, site.status) == (goals.NOT_RISING, goals.NOT_ON_TRACK)
    assert site.trend.slope == pytest.approx(-0.1 * 365.25 / 365)
    assert site.outlook_text == "The T-score is not rising over these scans: no projection."


@pytest.mark.parametrize(
    ("t", "goal", "reached"),
    [("-2.5", DEFAULT, False), ("-2.4", DEFAULT, True), ("-2.0", D("-2.0"), False), ("-1.9", D("-2.0"), True)],
)
def test_reached_means_strictly_above_the_goal(t, goal, reached):
    site = goals.site_goal(NECK, D(t), goal, dt.date(2022, 1, 1), None)
    assert site.reached is reached
    assert site.status == (goals.REACHED if reached else goals.NO_TREND)
    if not reached:
        assert (site.distance, site.position_text) == (D("0.0"), "At the goal line, not yet above it.")


def test_reached_needs_no_projection_and_reads_plainly():
    result = summary(scan(dt.date(2022, 1, 1), {HIP: ("0.800", "-2.1"), SPINE: ("0.900", "-2.4")}))
    assert [(s.label, s.t_text, s.reached, s.outlook_text) for s in result.sites] == [
        ("Lumbar spine (L1–L4)", "−2.4", True, ""),
        ("Total hip", "−2.1", True, ""),
    ]
    assert (result.status, result.goal_label, result.goal_text) == (goals.REACHED, "default goal", "above −2.5")


def test_radius_and_older_sites_are_not_goal_sites():
    # The goal applies to the sites on the latest scan; the 33% radius never counts.
    old = scan(dt.date(2018, 1, 1), {SPINE: ("0.700", "-3.0")})
    latest = scan(dt.date(2022, 1, 1), {NECK: ("0.700", "-2.0"), "radius_33": ("0.500", "-3.0")})
    assert [s.site for s in summary(old, latest).sites] == [NECK]


def test_a_projected_date_already_past_is_worded_as_such():
    first, last = scan(dt.date(2020, 1, 1), {NECK: ("0.600", "-2.9")}), scan(dt.date(2022, 1, 1), {NECK: ("0.640", "-2.6")})
    site = only(summary(first, last, today=dt.date(2023, 1, 1)))  # projected 2 Sep 2022
    assert site.outlook_text == (
        "If the trend of your scans continued (+0.15 a year), it may have been reached around September 2022: "
        "your next scan will tell."
    )


def _site(status_outlook: str, reached=False) -> goals.SiteGoal:
    return goals.SiteGoal(NECK, D("-1.0") if reached else D("-3.0"), DEFAULT, None, "" if reached else status_outlook)


@pytest.mark.parametrize(
    ("sites", "status"),
    [
        ([_site("", True), _site("", True)], goals.REACHED),
        ([_site("", True), _site(goals.PROJECTED)], goals.ON_TRACK),
        ([_site(goals.PROJECTED), _site(goals.BEYOND_CAP)], goals.NOT_ON_TRACK),
        ([_site(goals.TOO_FEW_SCANS), _site(goals.NO_GAIN)], goals.NOT_ON_TRACK),
        ([_site(goals.PROJECTED), _site(goals.TOO_FEW_SCANS)], goals.NO_TREND),
        ([_site("", True), _site(goals.NOT_RISING)], goals.NOT_ON_TRACK),
        ([], ""),
    ],
)
def test_summary_status(sites, status):
    assert goals.GoalSummary(DEFAULT, False, sites).status == status


def test_least_squares_slope_by_hand():
    # Points (0, 1), (1, 3), (2, 2): x̄ = 1, ȳ = 2; Σdx·dy = (−1)(−1) + 0 + (1)(0) = 1; Σdx² = 2 → 0.5.
    assert goals.least_squares_slope([(0.0, 1.0), (1.0, 3.0), (2.0, 2.0)]) == 0.5
