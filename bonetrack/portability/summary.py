"""The visit summary: one page a patient takes to an appointment and a clinician files, gathered in a fixed number of
queries whatever the length of the record (the scans, the courses with their prompts, the risk flags, the latest labs,
the fractures, the falls, 90 days of food and 13 weeks of exercise: one query each).

Nutrition and exercise are counted here over the last 90 days and the last 13 full weeks with the functions the
nutrition and exercise apps offer, as the progress report does over a window between scans.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bonetrack.accounts.measures import height_text, weight_text
from bonetrack.accounts.models import Fall, Fracture, PatientProfile
from bonetrack.core.timezones import local_today
from bonetrack.labs import rules as lab_rules
from bonetrack.labs.models import LabResult
from bonetrack.risk.assessment import assess
from bonetrack.risk.rules import RiskAssessment, is_recent
from bonetrack.treatment.models import Course, recent_since
from bonetrack.treatment.prompting import treatment_of
from bonetrack.treatment.prompts import Prompt
from bonetrack.treatment.schedule import Adherence
from dexa import rules
from dexa.goals import GoalSummary, patient_goal_summary, t_text
from dexa.history import ScanHistory, load_history
from dexa.models import DexaScan
from exercise.goals import week_start, weeks_meeting_goals
from exercise.safety import BoneStatus, uses_t_score_today
from nutrition.summary import daily_rows
from nutrition.targets import days_meeting_targets

NUTRITION_DAYS = 90
EXERCISE_WEEKS = 13
PAPER_SIZES = {"a4": "A4", "letter": "Letter"}


@dataclass(frozen=True)
class SiteLine:
    """One site of the latest scan, with its change since the previous scan at that site (R4)."""

    site: str
    side: str
    bmd: Decimal
    t_score: Decimal
    z_score: Decimal | None
    change: rules.Change | None

    @property
    def label(self) -> str:
        return rules.SITE_LABELS[self.site]

    @property
    def t_text(self) -> str:
        return t_text(self.t_score)

    @property
    def z_text(self) -> str:
        return "" if self.z_score is None else t_text(self.z_score)

    @property
    def change_label(self) -> str:
        return self.change.label if self.change else "First scan at this site"

    @property
    def change_text(self) -> str:
        """The precise change for clinicians: ΔBMD, percent and the LSC it was judged against."""
        change = self.change
        if change is None or change.delta is None:
            return ""
        return f"{change.delta:+.3f} g/cm² ({change.percent:+}%), LSC {change.lsc:.3f} g/cm² ({change.lsc_source})".replace(
            "-", "−"
        )


@dataclass(frozen=True)
class MedicationLine:
    course: Course
    adherence: Adherence

    @property
    def percent(self) -> int | None:
        return self.adherence.percent


@dataclass(frozen=True)
class NutritionLine:
    """Days on which the calcium and vitamin D targets were met, over the days with food logged (R7, R8)."""

    days: int
    logged_days: int
    calcium_met: int
    vitamin_d_met: int

    @staticmethod
    def _share(count: int, of: int) -> int | None:
        return round(100 * count / of) if of else None

    @property
    def calcium_percent(self) -> int | None:
        return self._share(self.calcium_met, self.logged_days)

    @property
    def vitamin_d_percent(self) -> int | None:
        return self._share(self.vitamin_d_met, self.logged_days)


@dataclass(frozen=True)
class ExerciseLine:
    """Full weeks (Monday to Sunday) meeting all four R9 goals, and each goal."""

    weeks: int
    all_met: int
    first_monday: dt.date
    last_sunday: dt.date
    per_goal: tuple[tuple[str, int], ...] = ()


@dataclass
class VisitSummary:
    patient: PatientProfile
    today: dt.date
    history: ScanHistory
    sites: list[SiteLine]
    chart_svg: SafeString
    medications: list[MedicationLine]
    earlier_courses: list[Course]
    prompts: tuple[Prompt, ...]
    nutrition: NutritionLine
    exercise: ExerciseLine
    vitamin_d: LabResult | None
    calcium: LabResult | None
    fractures: list[Fracture]
    falls: list[Fall]
    risk: RiskAssessment
    goals: GoalSummary | None
    exercise_safety: list[str] = field(default_factory=list)
    uses_t_score: bool = True  # False for R2's Z-score population: no T-score ranges in their words

    @property
    def age(self) -> int:
        return self.patient.age_on(self.today)

    @property
    def height_text(self) -> str:
        """In the patient's units, with cm after feet and inches (the page is filed by the clinic)."""
        return height_text(self.patient.height_cm, self.patient.body_units, with_metric=True)

    @property
    def weight_text(self) -> str:
        return weight_text(self.patient.weight_kg, self.patient.body_units, with_metric=True)

    @property
    def latest_scan(self) -> DexaScan | None:
        return self.history.latest

    @property
    def diagnosis_label(self) -> str:
        scan = self.latest_scan
        return rules.diagnosis_label(scan.diagnosis, scan.diagnosis_reason) if scan else ""

    @property
    def category_label(self) -> str:
        scan = self.latest_scan
        return rules.CATEGORY_LABELS.get(scan.category, "") if scan else ""

    @property
    def lowest_t_text(self) -> str:
        scan = self.latest_scan
        return t_text(scan.lowest_t_score) if scan and scan.lowest_t_score is not None else ""

    @property
    def labs(self) -> list[LabResult]:
        return [result for result in (self.vitamin_d, self.calcium) if result is not None]

    @property
    def next_scan_overdue(self) -> bool:
        due = self.patient.next_scan_due_on
        return due is not None and due < self.today

    @property
    def has_flags(self) -> bool:
        return bool(self.prompts or self.risk.flagged or self.exercise_safety or self.goals_not_reached)

    @property
    def exercise_safety_text(self) -> str:
        """R10's causes as one phrase: "a, b and c"."""
        causes = self.exercise_safety
        return causes[0] if len(causes) == 1 else ", ".join(causes[:-1]) + " and " + causes[-1] if causes else ""

    @property
    def recent_falls(self) -> list[Fall]:
        """The falls of the past 12 months, as R14 counts them (newest first)."""
        return [fall for fall in self.falls if is_recent(fall.occurred_on, self.today)]

    @property
    def earlier_falls(self) -> list[Fall]:
        return [fall for fall in self.falls if not is_recent(fall.occurred_on, self.today)]

    @property
    def goals_not_reached(self) -> list:
        return [site for site in self.goals.sites if not site.reached] if self.goals else []


# The parts ------------------------------------------------------------------------------------------------------


def latest_site_lines(history: ScanHistory) -> list[SiteLine]:
    """Each site of the latest scan with R4 against the previous scan measuring it (dexa.history computed it)."""
    latest = history.latest
    if latest is None:
        return []
    lines = []
    for result in latest.results:
        m = result.measurement
        lines.append(SiteLine(m.site, m.get_side_display() if m.side else "", m.bmd, m.t_score, m.z_score, result.vs_previous))
    return lines


def medication_lines(courses, today: dt.date) -> tuple[list[MedicationLine], list[Course]]:
    """The current courses with R16 over the last 90 days, and the courses already stopped (newest first)."""
    since = recent_since(today)
    current = [
        MedicationLine(course, course.adherence_over(window_start=since, window_end=today, taken=course.taken_recent))
        for course in courses
        if course.is_current
    ]
    stopped = sorted((course for course in courses if not course.is_current), key=lambda c: c.ended_on, reverse=True)
    return current, stopped


def nutrition_line(patient: PatientProfile, today: dt.date) -> NutritionLine:
    """R7/R8 over the last 90 days (today included): calcium from food other than high-oxalate foods plus supplements,
    vitamin D from food plus supplements, against the target for the patient's age that day or the care team's."""
    start = today - dt.timedelta(days=NUTRITION_DAYS - 1)
    rows, overrides = daily_rows(patient, start, today)
    met = days_meeting_targets(patient, [(row["date"], row["calcium_mg"], row["vitamin_d_iu"]) for row in rows], overrides)
    return NutritionLine(NUTRITION_DAYS, len(rows), met.calcium_met, met.vitamin_d_met)


def exercise_line(patient: PatientProfile, today: dt.date) -> ExerciseLine:
    """R9 over the 13 full weeks before the current one (the current week is not over yet)."""
    this_monday = week_start(today)
    mondays = [this_monday - dt.timedelta(weeks=n) for n in range(EXERCISE_WEEKS, 0, -1)]
    last_sunday = this_monday - dt.timedelta(days=1)
    all_met, per_goal = weeks_meeting_goals(patient, mondays)
    return ExerciseLine(len(mondays), all_met, mondays[0], last_sunday, per_goal)


def latest_labs(patient: PatientProfile) -> tuple[LabResult | None, LabResult | None]:
    """The latest 25(OH)D and the latest serum calcium (one query)."""

    def latest(test: str):
        return Subquery(LabResult.objects.filter(patient=patient, test=test).newest_first().values("pk")[:1])

    found = {
        result.test: result
        for result in LabResult.objects.filter(
            Q(pk=latest(lab_rules.VITAMIN_D)) | Q(pk=latest(lab_rules.CALCIUM)), patient=patient
        )
    }
    return found.get(lab_rules.VITAMIN_D), found.get(lab_rules.CALCIUM)


def build_summary(patient: PatientProfile) -> VisitSummary:
    """Every part of the visit summary (eight queries, whatever the length of the record)."""
    today = local_today(patient.user)
    history = load_history(patient)
    treatment = treatment_of(patient, today)
    medications, earlier = medication_lines(treatment.courses, today)
    fractures = list(Fracture.objects.filter(patient=patient).order_by("-occurred_on", "-pk"))
    fragility_sites = [fracture.site for fracture in fractures if fracture.fragility]
    latest = history.latest
    bone_status = BoneStatus(
        lowest_t=latest.lowest_t_score if latest else None,
        vertebral_fracture="vertebral" in fragility_sites,
        fragility_fractures=len(fragility_sites),
        uses_t_score=uses_t_score_today(patient),
    )
    goals = patient_goal_summary(history, patient, today)
    vitamin_d, calcium = latest_labs(patient)
    return VisitSummary(
        patient=patient,
        today=today,
        history=history,
        sites=latest_site_lines(history),
        chart_svg=t_score_chart_svg(chart_series(history), goal=goals.goal if goals else None),
        medications=medications,
        earlier_courses=earlier,
        prompts=treatment.prompts,
        nutrition=nutrition_line(patient, today),
        exercise=exercise_line(patient, today),
        vitamin_d=vitamin_d,
        calcium=calcium,
        fractures=fractures,
        falls=list(Fall.objects.filter(patient=patient).order_by("-occurred_on", "-pk")),
        risk=assess(patient, today),
        goals=goals,
        exercise_safety=bone_status.causes,
        uses_t_score=bone_status.uses_t_score,
    )


# The chart ------------------------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 280
# The reference lines are labelled in the right margin, the sites below the year labels.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 130, 14, 50
LEGEND_WIDTH = 150
SITE_COLOURS = {
    rules.LUMBAR_SPINE: "#1f5fa8",
    rules.TOTAL_HIP: "#b5541c",
    rules.FEMORAL_NECK: "#2e7d32",
    rules.RADIUS_33: "#6a3d9a",
}
Series = dict[str, list[tuple[dt.date, Decimal]]]


def chart_series(history: ScanHistory) -> Series:
    """T-score over time per site, oldest first, in the order of `rules.SITES`."""
    series: Series = {}
    for scan in history.scans:
        for result in scan.results:
            series.setdefault(result.site, []).append((scan.scanned_on, result.measurement.t_score))
    return {site: series[site] for site in rules.SITES if site in series}


def _number(value: float) -> str:
    return f"{value:.1f}"


def t_score_chart_svg(series: Series, *, goal: Decimal | None) -> SafeString:
    """A static SVG of T-score over time per site, with the −1.0 (normal) and −2.5 (osteoporosis) lines and the goal.

    Pure: no JavaScript, no database; WeasyPrint and browsers draw it the same. Empty without any point.
    """
    points = [point for site_points in series.values() for point in site_points]
    if not points:
        return SafeString("")
    days = [day for day, _ in points]
    first, last = min(days), max(days)
    if (last - first).days < 365:
        first, last = first - dt.timedelta(days=183), last + dt.timedelta(days=183)
    values = [float(t) for _, t in points] + [float(rules.NORMAL_FROM), float(rules.OSTEOPOROSIS_AT)]
    if goal is not None:
        values.append(float(goal))
    low, high = min(values) - 0.5, max(values) + 0.5
    width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    span_days = (last - first).days

    def x(day: dt.date) -> float:
        return PLOT_LEFT + width * (day - first).days / span_days

    def y(t: float) -> float:
        return PLOT_TOP + height * (high - t) / (high - low)

    right = PLOT_LEFT + width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="t-chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" role="img" aria-labelledby="t-chart-title">',
        '<title id="t-chart-title">T-score over time at each site, with the −1.0 and −2.5 lines'
        + (f" and the goal (above {escape(t_text(goal))})" if goal is not None else "")
        + "</title>",
        f'<rect x="{PLOT_LEFT}" y="{PLOT_TOP}" width="{width}" height="{height}" fill="#fff" stroke="#999"/>',
    ]
    # Year ticks along the bottom.
    year_y = PLOT_TOP + height + 16
    for year in range(first.year + (first > dt.date(first.year, 1, 1)), last.year + 1):
        tick = x(dt.date(year, 1, 1))
        parts.append(f'<line x1="{_number(tick)}" y1="{PLOT_TOP}" x2="{_number(tick)}" y2="{PLOT_TOP + height}" stroke="#eee"/>')
        parts.append(f'<text x="{_number(tick)}" y="{year_y}" font-size="11" text-anchor="middle" fill="#444">{year}</text>')
    # T-score ticks on the left, every whole unit.
    for t in range(math.ceil(low), math.floor(high) + 1):
        parts.append(
            f'<text x="{PLOT_LEFT - 6}" y="{_number(y(t) + 4)}" font-size="11" text-anchor="end" fill="#444">'
            f"{escape(t_text(Decimal(t)))}</text>"
        )
    reference_lines = [
        ("line-normal", rules.NORMAL_FROM, "#777", "6 4", "−1.0 normal above"),
        ("line-osteoporosis", rules.OSTEOPOROSIS_AT, "#c62828", "6 4", "−2.5 osteoporosis"),
    ]
    if goal is not None:
        reference_lines.append(("line-goal", goal, "#2e7d32", "2 3", f"Goal: above {t_text(goal)}"))
    label_levels: list[float] = []
    for css_class, value, colour, dash, label in reference_lines:
        level = _number(y(float(value)))
        parts.append(
            f'<line class="{css_class}" data-t="{value}" x1="{PLOT_LEFT}" y1="{level}" x2="{right}" y2="{level}" '
            f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
        )
        label_y = float(level) + 4
        while any(abs(label_y - taken) < 12 for taken in label_levels):
            label_y += 12  # the goal may sit on or next to a reference line: its label goes below
        label_levels.append(label_y)
        parts.append(f'<text x="{right + 6}" y="{_number(label_y)}" font-size="10" fill="{colour}">{escape(label)}</text>')
    for index, (site, site_points) in enumerate(series.items()):
        colour = SITE_COLOURS[site]
        coordinates = " ".join(f"{_number(x(day))},{_number(y(float(t)))}" for day, t in site_points)
        parts.append(
            f'<polyline class="series" data-site="{site}" points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for day, t in site_points:
            parts.append(f'<circle cx="{_number(x(day))}" cy="{_number(y(float(t)))}" r="3.5" fill="{colour}"/>')
        legend_x, legend_y = PLOT_LEFT + LEGEND_WIDTH * index, CHART_HEIGHT - 8
        parts.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 18}" y2="{legend_y - 4}" stroke="{colour}" '
            f'stroke-width="2"/><text x="{legend_x + 22}" y="{legend_y}" font-size="11" fill="#222">'
            f"{escape(rules.SITE_LABELS[site])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)
