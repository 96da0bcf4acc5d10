"""The between-scans progress report: each pair of consecutive scans, and the latest scan to today, joined to what
the patient did in between (medication R16, calcium and vitamin D R7/R8, exercise R9, 25(OH)D R12, falls, fractures).

A window runs from the day of its earlier scan to the day of its later scan (or the patient's local today), both days
included. Every figure is computed in a fixed number of queries whatever the span: one grouped query per kind of
data. A report is cached under a key that holds a one-query fingerprint of everything it reads, so an edit anywhere
in the window gives a new key; that is correct across processes (web and workers) whichever cache backend is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.core.cache import cache
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from bonetrack.accounts.models import Fall, Fracture, PatientProfile
from bonetrack.core.date_display import current_style, format_day
from bonetrack.labs import rules as lab_rules
from bonetrack.treatment.models import TAKEN_STATUSES, Course
from bonetrack.treatment.schedule import ADHERENT_FROM_PERCENT, Adherence, adherence
from dexa import rules
from dexa.history import ScanHistory, site_change
from dexa.models import DexaScan
from exercise.goals import week_start, weeks_meeting_goals
from nutrition.models import LogItem
from nutrition.summary import FOOD, SUPPLEMENT, override_annotations, overrides_from_row
from nutrition.targets import days_meeting_targets

from .inputs import window_inputs

CACHE_VERSION = 1
CACHE_SECONDS = 7 * 24 * 3600
TODAY = "today"
TARGETED = ("calcium_mg", "vitamin_d_iu")  # the targets the report checks (their overrides ride on the food-day query)


@dataclass(frozen=True)
class Window:
    """From the earlier scan's day to the later scan's day (or today), both included."""

    earlier: DexaScan
    later: DexaScan | None
    end: dt.date

    @property
    def start(self) -> dt.date:
        return self.earlier.scanned_on

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def key(self) -> str:
        return f"{self.earlier.pk}-{self.later.pk if self.later else TODAY}"

    @property
    def label(self) -> str:
        if self.later is None:
            return f"Latest scan ({format_day(self.start)}) → today"
        return f"{format_day(self.start)} → {format_day(self.later.scanned_on)}"


def windows_for(history: ScanHistory, today: dt.date) -> list[Window]:
    """Every pair of consecutive scans, oldest first, then the latest scan to today (none without a scan)."""
    scans = history.scans
    windows = [Window(a, b, b.scanned_on) for a, b in pairwise(scans)]
    if scans:
        windows.append(Window(scans[-1], None, max(today, scans[-1].scanned_on)))
    return windows


def default_window(windows: list[Window]) -> Window | None:
    """The latest pair of scans, else the latest scan to today; None without scans."""
    pairs = [window for window in windows if window.later is not None]
    return pairs[-1] if pairs else (windows[-1] if windows else None)


@dataclass(frozen=True)
class SiteProgress:
    site: str
    earlier_bmd: Decimal
    later_bmd: Decimal
    change: rules.Change

    @property
    def label(self) -> str:
        return rules.SITE_LABELS[self.site]


@dataclass(frozen=True)
class MedicationProgress:
    """R16 over the window, for one drug (its courses in the window added together)."""

    drug: str
    courses: tuple[str, ...]
    adherence: Adherence

    @property
    def percent(self) -> int | None:
        return self.adherence.percent


@dataclass(frozen=True)
class NutritionProgress:
    days: int  # in the window
    logged_days: int  # with anything logged
    calcium_met: int
    vitamin_d_met: int
    calcium_targets: tuple[str, ...] = ()  # e.g. ("1000 mg from 1 Mar 2023", "1200 mg from 5 Jun 2024")
    vitamin_d_targets: tuple[str, ...] = ()

    @staticmethod
    def _share(count: int, of: int) -> int | None:
        return round(100 * count / of) if of else None

    @property
    def calcium_percent(self) -> int | None:
        return self._share(self.calcium_met, self.logged_days)

    @property
    def vitamin_d_percent(self) -> int | None:
        return self._share(self.vitamin_d_met, self.logged_days)

    @property
    def logged_percent(self) -> int | None:
        return self._share(self.logged_days, self.days)


@dataclass(frozen=True)
class ExerciseProgress:
    weeks: int  # whole weeks (Monday to Sunday) inside the window
    all_met: int  # weeks meeting all four R9 goals
    per_goal: tuple[tuple[str, int], ...] = ()  # (goal label, weeks met)
    first_monday: dt.date | None = None
    last_sunday: dt.date | None = None

    @property
    def percent(self) -> int | None:
        return round(100 * self.all_met / self.weeks) if self.weeks else None


@dataclass(frozen=True)
class VitaminDLevel:
    value: Decimal
    taken_on: dt.date
    status: lab_rules.Interpretation
    in_window: bool

    @property
    def text(self) -> str:
        return f"{lab_rules.format_number(self.value)} ng/mL"


@dataclass(frozen=True)
class Event:
    kind: str  # fall | fracture
    day: dt.date
    text: str


@dataclass
class Report:
    window: Window
    sites: list[SiteProgress]
    medications: list[MedicationProgress]
    nutrition: NutritionProgress
    exercise: ExerciseProgress
    vitamin_d: VitaminDLevel | None
    events: list[Event] = field(default_factory=list)

    @property
    def later_scan(self) -> DexaScan | None:
        return self.window.later

    @property
    def not_comparable(self) -> bool:
        return bool(self.sites) and all(site.change.status == rules.NOT_COMPARABLE for site in self.sites)

    @property
    def falls(self) -> list[Event]:
        return [event for event in self.events if event.kind == "fall"]

    @property
    def fractures(self) -> list[Event]:
        return [event for event in self.events if event.kind == "fracture"]

    @property
    def adherent_from(self) -> int:
        return ADHERENT_FROM_PERCENT


# The parts ------------------------------------------------------------------------------------------------------


def site_progress(window: Window) -> list[SiteProgress]:
    """R4 per site measured on both scans (dexa.history.site_change); none for the window ending today."""
    if window.later is None:
        return []
    earlier = {m.site: m for m in window.earlier.measurement_list}
    result = []
    for later_m in sorted(window.later.measurement_list, key=lambda m: rules.SITES.index(m.site)):
        earlier_m = earlier.get(later_m.site)
        if earlier_m is not None:
            change = site_change(window.earlier, earlier_m, window.later, later_m)
            result.append(SiteProgress(later_m.site, earlier_m.bmd, later_m.bmd, change))
    return result


def medication_progress(patient: PatientProfile, window: Window) -> list[MedicationProgress]:
    """R16 per drug over the window: the courses that overlap it, with the doses taken or given in it (one query)."""
    courses = (
        Course.objects.for_patient(patient)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window.start), started_on__lte=window.end)
        .select_related("regimen__drug")
        .annotate(
            taken_in_window=Count(
                "doses", filter=Q(doses__status__in=TAKEN_STATUSES, doses__on__range=(window.start, window.end))
            )
        )
        .order_by("started_on", "pk")
    )
    by_drug: dict[str, list] = {}
    for course in courses:
        over = course.adherence_over(window_start=window.start, window_end=window.end, taken=course.taken_in_window)
        by_drug.setdefault(course.drug.name, []).append((course, over))
    result = []
    for drug, entries in by_drug.items():
        scheduled = sum(a.scheduled for _, a in entries)
        taken = sum(a.taken for _, a in entries)
        courses_text = tuple(str(course) for course, _ in entries)
        result.append(MedicationProgress(drug, courses_text, adherence(scheduled=scheduled, taken=taken)))
    return result


def _target_spans(values: list[tuple[dt.date, Decimal]], unit: str) -> tuple[str, ...]:
    """("1000 mg from 1 Mar 2023", "1200 mg from 5 Jun 2024"): each target and the first logged day it applied."""
    spans, previous = [], None
    for day, value in values:
        if value != previous:
            spans.append(f"{value:.0f} {unit} from {format_day(day)}")
            previous = value
    return tuple(spans)


def nutrition_progress(patient: PatientProfile, window: Window) -> NutritionProgress:
    """Days on which the calcium and vitamin D targets were met, over the days with anything logged (one grouped query).

    Calcium counts food other than high-oxalate foods (R8) plus supplements; vitamin D counts food plus supplements.
    The target is the one for the patient's age and sex on that day (R7), or the care team's override.
    """
    rows = list(
        LogItem.objects.filter(patient=patient, date__range=(window.start, window.end))
        .values("date")
        .order_by("date")
        .annotate(
            calcium=Coalesce(Sum("calcium_mg", filter=(FOOD & Q(high_oxalate=False)) | SUPPLEMENT), Decimal(0)),
            vitamin_d=Coalesce(Sum("vitamin_d_iu"), Decimal(0)),
            **{key: value for key, value in override_annotations(patient).items() if key.endswith(TARGETED)},
        )
    )
    overrides = overrides_from_row(rows[0]) if rows else {}
    met = days_meeting_targets(patient, [(row["date"], row["calcium"], row["vitamin_d"]) for row in rows], overrides)
    return NutritionProgress(
        days=window.days,
        logged_days=len(rows),
        calcium_met=met.calcium_met,
        vitamin_d_met=met.vitamin_d_met,
        calcium_targets=_target_spans([(day, calcium) for day, calcium, _ in met.targets], "mg"),
        vitamin_d_targets=_target_spans([(day, vitamin_d) for day, _, vitamin_d in met.targets], "IU"),
    )


def whole_weeks(window: Window) -> list[dt.date]:
    """The Mondays of the weeks (Monday to Sunday) lying wholly inside the window."""
    first = week_start(window.start)
    if first < window.start:
        first += dt.timedelta(days=7)
    mondays = []
    while first + dt.timedelta(days=6) <= window.end:
        mondays.append(first)
        first += dt.timedelta(days=7)
    return mondays


def exercise_progress(patient: PatientProfile, window: Window) -> ExerciseProgress:
    """Whole weeks in the window meeting all four R9 goals, and each goal (exercise.goals; one grouped query)."""
    mondays = whole_weeks(window)
    if not mondays:
        return ExerciseProgress(weeks=0, all_met=0)
    all_met, per_goal = weeks_meeting_goals(patient, mondays)
    return ExerciseProgress(len(mondays), all_met, per_goal, mondays[0], mondays[-1] + dt.timedelta(days=6))


def vitamin_d_level(window: Window, inputs: dict) -> VitaminDLevel | None:
    """The latest 25(OH)D on or before the window's end (R12), and whether it was taken inside the window."""
    value, taken_on = inputs["vitamin_d_value"], inputs["vitamin_d_taken_on"]
    if value is None:
        return None
    value = Decimal(str(value)).quantize(Decimal("0.01"))  # SQLite hands back a float from a subquery
    taken_on = taken_on if isinstance(taken_on, dt.date) else dt.date.fromisoformat(taken_on)
    return VitaminDLevel(value, taken_on, lab_rules.vitamin_d_status(value), taken_on >= window.start)


def events_in(patient: PatientProfile, window: Window) -> list[Event]:
    """Falls and fractures in the window, oldest first (one query)."""
    span = {"patient": patient, "occurred_on__range": (window.start, window.end)}
    falls = (
        Fall.objects.filter(**span)
        .order_by()
        .values_list(Value("fall"), "occurred_on", "injury", "fracture", Value(""), Value(False))
    )
    fractures = (
        Fracture.objects.filter(**span)
        .order_by()
        .values_list(Value("fracture"), "occurred_on", Value(False), Value(False), "site", "fragility")
    )
    sites = dict(Fracture._meta.get_field("site").choices)
    events = []
    for kind, day, injury, broke, site, fragility in sorted(falls.union(fractures, all=True), key=lambda row: row[1]):
        if kind == "fall":
            text = "A fall, " + ("a bone was broken" if broke else "hurt" if injury else "not hurt")
        else:
            text = f"{sites.get(site, site)} fracture" + (" (fragility)" if fragility else "")
        events.append(Event(kind, day, text))
    return events


def build_report(patient: PatientProfile, window: Window, inputs: dict | None = None) -> Report:
    """Every part of the report, uncached: four queries given the window's `inputs` (one more without them)."""
    inputs = window_inputs(patient, window) if inputs is None else inputs
    return Report(
        window=window,
        sites=site_progress(window),
        medications=medication_progress(patient, window),
        nutrition=nutrition_progress(patient, window),
        exercise=exercise_progress(patient, window),
        vitamin_d=vitamin_d_level(window, inputs),
        events=events_in(patient, window),
    )


# The cache ------------------------------------------------------------------------------------------------------


def _scan_inputs(scan: DexaScan | None) -> tuple:
    if scan is None:
        return ()
    facility = scan.facility
    lsc = tuple(facility.lsc_for(site) for site in rules.SITES)
    measurements = tuple(sorted((m.site, m.bmd, m.t_score) for m in scan.measurement_list))
    return (scan.pk, scan.scanned_on, scan.make, scan.model, scan.facility_id, lsc, measurements)


def cache_key(patient: PatientProfile, window: Window, inputs: dict) -> str:
    """The window's scans, the patient's age and sex, and the window's `inputs` from the database."""
    parts = (
        CACHE_VERSION,
        current_style(),  # the viewer's date style: the report holds dates as text
        patient.pk,
        patient.date_of_birth,
        patient.sex,
        window.key,
        window.end,
        _scan_inputs(window.earlier),
        _scan_inputs(window.later),
        sorted(inputs.items()),
    )
    return f"progress:{patient.pk}:{window.key}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_report(patient: PatientProfile, window: Window) -> Report:
    """The report for one window: one query when nothing it reads has changed, else five."""
    inputs = window_inputs(patient, window)
    key = cache_key(patient, window, inputs)
    report = cache.get(key)
    if report is None:
        report = build_report(patient, window, inputs)
        cache.set(key, report, CACHE_SECONDS)
    else:
        # The cached scans stand for the ones just loaded (same values by the key).
        report.window = window
    return report
