"""R13, the treatment goal per site, as pure functions of a patient's scan history (no database).

Product decisions (R13 calls the trend and projection a product decision, and the pages say so):
- The sites are the lumbar spine, total hip and femoral neck measured on the latest scan.
- A site's trend uses the run of scans on the same scanner make as the latest scan (R4, `history.comparable`), walking
  back from the latest: a change of make ends the run, so older scans on another make never count.
- The trend needs at least two scans at the site, the first and the last at least 12 months apart. The annual rate is
  the least-squares slope of T-score against time in years (days / 365.25).
- A date is projected only when the site's BMD change from the first to the last scan of the run is a significant
  gain (R4, with the facility's LSC as in `history.site_change`). It starts from the latest T-score and follows the
  slope: years = (goal − latest T) / slope, counted from the latest scan. More than 10 years is not projected.
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from bonetrack.core.dates import add_months

from . import rules
from .history import ScanHistory, comparable, site_change
from .models import GoalStatus

GOAL_SITES = (rules.LUMBAR_SPINE, rules.TOTAL_HIP, rules.FEMORAL_NECK)
TREND_MIN_MONTHS = 12
PROJECTION_MAX_YEARS = 10
DAYS_PER_YEAR = 365.25

# The patient's summary status (stored on the latest scan for the worklist, see services.refresh_next_scan_due).
REACHED, ON_TRACK = GoalStatus.REACHED.value, GoalStatus.ON_TRACK.value
NOT_ON_TRACK, NO_TREND = GoalStatus.NOT_ON_TRACK.value, GoalStatus.NO_TREND.value

# What the trend says about one site that has not reached its goal.
PROJECTED, BEYOND_CAP, NO_GAIN, NOT_RISING, TOO_FEW_SCANS = "projected", "beyond_cap", "no_gain", "not_rising", "too_few"
OUTLOOK_STATUS = {
    PROJECTED: ON_TRACK,
    BEYOND_CAP: NOT_ON_TRACK,
    NO_GAIN: NOT_ON_TRACK,
    NOT_RISING: NOT_ON_TRACK,
    TOO_FEW_SCANS: NO_TREND,
}


def t_text(value: Decimal) -> str:
    """A T-score as printed on the cards: one decimal, with a true minus sign (−2.5)."""
    return f"{value:.1f}".replace("-", "−")


def rate_text(value: float, places: int) -> str:
    """A rate with its sign, rounded half up after dropping float noise (0.04749999… shows as +0.048 at 3 places)."""
    rounded = Decimal(f"{value:.9f}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:+}".replace("-", "−")


def least_squares_slope(points: list[tuple[float, float]]) -> float:
    """The slope of the least-squares line through (x, y) points with at least two distinct x values."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return sxy / sxx


@dataclass(frozen=True)
class Trend:
    """A site's T-score trend over the comparable scans, and its BMD change (R4) from the first to the last."""

    scans: int
    first_on: dt.date
    last_on: dt.date
    slope: float  # T-score units a year
    change: rules.Change

    @property
    def slope_text(self) -> str:
        return rate_text(self.slope, 2)

    @property
    def detail_text(self) -> str:
        """The precise figures behind the sentence, for clinicians."""
        change = self.change
        return (
            f"{self.scans} scans on the same scanner make, {self.first_on:%b %Y} to {self.last_on:%b %Y}; "
            f"least-squares slope {rate_text(self.slope, 3)} T-score units a year. BMD change {change.delta:+.3f} g/cm² "
            f"against an LSC of {change.lsc:.3f} g/cm² ({change.lsc_source}): {change.label.lower()}."
        )


@dataclass(frozen=True)
class SiteGoal:
    site: str
    t_score: Decimal
    goal: Decimal
    trend: Trend | None
    outlook: str = ""  # '' when reached; otherwise one of PROJECTED … TOO_FEW_SCANS
    projected_on: dt.date | None = None
    today: dt.date | None = None  # the patient's today, for the wording of a projected date already past

    @property
    def label(self) -> str:
        return rules.SITE_LABELS[self.site]

    @property
    def t_text(self) -> str:
        return t_text(self.t_score)

    @property
    def reached(self) -> bool:
        """Strictly above the goal: a T-score of exactly −2.5 has not reached the default goal."""
        return self.t_score > self.goal

    @property
    def distance(self) -> Decimal:
        """How far below the goal, in T-score units (0 when exactly at it)."""
        return max(self.goal - self.t_score, Decimal("0.0"))

    @property
    def status(self) -> str:
        return REACHED if self.reached else OUTLOOK_STATUS[self.outlook]

    @property
    def position_text(self) -> str:
        if self.reached:
            return "Reached."
        if not self.distance:
            return "At the goal line, not yet above it."
        return f"{t_text(self.distance).lstrip('−')} below the goal."

    @property
    def outlook_text(self) -> str:
        """The plain-words trend sentence: a possibility, never a promise."""
        if self.reached:
            return ""
        if self.outlook == PROJECTED and self.today is not None and self.projected_on <= self.today:
            return (
                f"If the trend of your scans continued ({self.trend.slope_text} a year), it may have been reached around "
                f"{self.projected_on:%B %Y}: your next scan will tell."
            )
        if self.outlook == PROJECTED:
            return (
                f"If the current trend continues ({self.trend.slope_text} a year), "
                f"you would reach it around {self.projected_on:%B %Y}."
            )
        if self.outlook == BEYOND_CAP:
            return f"If the current trend continues ({self.trend.slope_text} a year): more than 10 years at the current rate."
        if self.outlook == NO_GAIN:
            return "No significant gain yet: no projection."
        if self.outlook == NOT_RISING:
            return "The T-score is not rising over these scans: no projection."
        return "A trend needs two scans on the same scanner make, at least 12 months apart."


@dataclass(frozen=True)
class GoalSummary:
    goal: Decimal
    set_by_clinician: bool
    sites: list[SiteGoal]

    @property
    def goal_label(self) -> str:
        return "set by your clinician" if self.set_by_clinician else "default goal"

    @property
    def goal_text(self) -> str:
        return f"above {t_text(self.goal)}"

    @property
    def status(self) -> str:
        """reached (every site), not on track (a trend that will not get there), no trend, or on track."""
        statuses = {site.status for site in self.sites}
        if not statuses:
            return ""
        for status in (NOT_ON_TRACK, NO_TREND, ON_TRACK):
            if status in statuses:
                return status
        return REACHED

    @property
    def status_label(self) -> str:
        return GoalStatus(self.status).label if self.status else ""


def site_trend(history: ScanHistory, site: str) -> Trend | None:
    """The site's trend over the run of scans comparable with the latest one, or None when R13 asks for more scans."""
    latest = history.latest
    run = []
    for scan in reversed(history.scans):
        if not comparable(scan, latest):
            break
        run.extend((scan, result.measurement) for result in scan.results if result.site == site)
    run.reverse()
    if len(run) < 2:
        return None
    (first_scan, first_m), (last_scan, last_m) = run[0], run[-1]
    if add_months(first_scan.scanned_on, TREND_MIN_MONTHS) > last_scan.scanned_on:
        return None
    points = [((scan.scanned_on - first_scan.scanned_on).days / DAYS_PER_YEAR, float(m.t_score)) for scan, m in run]
    return Trend(
        scans=len(run),
        first_on=first_scan.scanned_on,
        last_on=last_scan.scanned_on,
        slope=least_squares_slope(points),
        change=site_change(first_scan, first_m, last_scan, last_m),
    )


def site_goal(site: str, t_score: Decimal, goal: Decimal, measured_on: dt.date, trend: Trend | None) -> SiteGoal:
    """R13 for one site: reached, or what the trend says (projected date from the latest T-score along the slope)."""
    if t_score > goal:
        return SiteGoal(site, t_score, goal, trend)
    if trend is None:
        return SiteGoal(site, t_score, goal, None, TOO_FEW_SCANS)
    if trend.change.status != rules.GAIN:
        return SiteGoal(site, t_score, goal, trend, NO_GAIN)
    if trend.slope <= 0:
        return SiteGoal(site, t_score, goal, trend, NOT_RISING)
    years = float(goal - t_score) / trend.slope
    if years > PROJECTION_MAX_YEARS:
        return SiteGoal(site, t_score, goal, trend, BEYOND_CAP)
    projected_on = measured_on + dt.timedelta(days=round(years * DAYS_PER_YEAR))
    return SiteGoal(site, t_score, goal, trend, PROJECTED, projected_on)


def goal_summary(history: ScanHistory, goal: Decimal, *, set_by_clinician: bool, today: dt.date | None = None) -> GoalSummary:
    """R13 for each goal site measured on the latest scan (`today` only changes the wording of a past date)."""
    latest = history.latest
    sites = []
    if latest is not None:
        for result in latest.results:
            if result.site in GOAL_SITES:
                m = result.measurement
                site = site_goal(m.site, m.t_score, goal, latest.scanned_on, site_trend(history, m.site))
                sites.append(replace(site, today=today))
    return GoalSummary(goal, set_by_clinician, sites)


def patient_goal_summary(history: ScanHistory, patient, today: dt.date | None = None) -> GoalSummary | None:
    """The patient's goal (the clinician's or the default) on their history; None without scans, or when R2 describes
    the latest scan by Z-score (the T-score goal does not apply)."""
    latest = history.latest
    if latest is None:
        return None
    population = rules.score_population(
        sex=patient.sex, menopausal_status=patient.menopausal_status, age=patient.age_on(latest.scanned_on)
    )
    if not population.uses_t_score:
        return None
    return goal_summary(history, patient.goal_t, set_by_clinician=patient.goal_t_score is not None, today=today)
