"""R14: the BHOF/NOF treatment threshold and AACE 2020 very high risk, from facts already read (no database).

Every fracture here is a fragility fracture (a fall from standing height or less, or no injury at all). Each flag
comes with every reason that raised it, in plain words for the patient and precisely for the care team.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bonetrack.core.dates import add_months
from dexa import rules as dexa_rules

# Treatment threshold (BHOF/NOF): osteopenia with FRAX hip ≥ 3 % or major ≥ 20 %.
THRESHOLD_HIP = Decimal("3")
THRESHOLD_MAJOR = Decimal("20")
# Very high risk (AACE 2020): FRAX major > 30 % or hip > 4.5 %; lowest T < −3.0.
VERY_HIGH_MAJOR = Decimal("30")
VERY_HIGH_HIP = Decimal("4.5")
VERY_HIGH_T = Decimal("-3.0")
RECENT_MONTHS = 12
FALLS_HIGH_RISK = 2

# The reasons, in the order they are listed.
RECENT_FRACTURE = "recent_fracture"
FRACTURE_ON_TREATMENT = "fracture_on_treatment"
MULTIPLE_FRACTURES = "multiple_fractures"
FRACTURE_ON_GLUCOCORTICOIDS = "fracture_on_glucocorticoids"
VERY_LOW_T = "very_low_t"
VERY_HIGH_FRAX = "very_high_frax"
FALLS = "falls"
THRESHOLD_FRAX = "threshold_frax"

# Fracture sites as a patient says them, and as a clinician writes them.
PLAIN_SITES = {
    "vertebral": "spine",
    "hip": "hip",
    "wrist": "wrist",
    "humerus": "upper arm",
    "pelvis": "pelvis",
    "rib": "rib",
    "ankle": "ankle",
    "other": "other bone",
}
PRECISE_SITES = {"humerus": "proximal humerus", "wrist": "wrist (distal forearm)", "other": "other site"}
# Populations whose scans carry no WHO category (R2): their T-scores decide nothing.
Z_SCORE_CATEGORIES = frozenset({dexa_rules.Z_BELOW, dexa_rules.Z_WITHIN})


@dataclass(frozen=True)
class ScanFact:
    scanned_on: dt.date
    category: str  # R1's category of the scan (dexa.rules)
    lowest_t: Decimal | None


@dataclass(frozen=True)
class FraxFact:
    assessed_on: dt.date
    major: Decimal
    hip: Decimal
    with_bmd: bool = True


@dataclass(frozen=True)
class FractureFact:
    site: str
    occurred_on: dt.date
    on_glucocorticoids: bool = False
    fragility: bool = True


@dataclass(frozen=True)
class FallFact:
    occurred_on: dt.date
    injury: bool = False


@dataclass(frozen=True)
class CourseFact:
    drug: str
    started_on: dt.date
    ended_on: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """True when `day` falls within [started_on, ended_on], or from started_on on for a course going on."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True)
class Reason:
    code: str
    plain: str  # for the patient
    precise: str  # for the care team


@dataclass(frozen=True)
class RiskAssessment:
    very_high_risk_reasons: tuple[Reason, ...]
    threshold_reasons: tuple[Reason, ...]
    scan: ScanFact | None = None
    frax: FraxFact | None = None
    fractures: tuple[FractureFact, ...] = ()  # the fragility fractures, oldest first

    @property
    def very_high_risk(self) -> bool:
        return bool(self.very_high_risk_reasons)

    @property
    def meets_treatment_threshold(self) -> bool:
        return bool(self.threshold_reasons)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.very_high_risk_reasons + self.threshold_reasons

    @property
    def flagged(self) -> bool:
        return self.very_high_risk or self.meets_treatment_threshold


def recent_after(today: dt.date) -> dt.date:
    """A date counts as "in the past 12 months" when it is after this day (12 months ago exactly does not count)."""
    return add_months(today, -RECENT_MONTHS)


def is_recent(day: dt.date, today: dt.date) -> bool:
    return recent_after(today) < day <= today


def percent(value: Decimal) -> str:
    return f"{value:.1f} %"


def signed(value: Decimal) -> str:
    """A T-score with a true minus sign."""
    return f"{value:.1f}".replace("-", "−")


def _plain(fracture: FractureFact) -> str:
    return f"{PLAIN_SITES.get(fracture.site, fracture.site)}, {fracture.occurred_on:%B %Y}"


def _precise(fracture: FractureFact) -> str:
    return f"{PRECISE_SITES.get(fracture.site, fracture.site)} {fracture.occurred_on.isoformat()}"


def _fracture_reasons(fractures: list[FractureFact], courses: tuple[CourseFact, ...], today: dt.date) -> list[Reason]:
    reasons = []
    recent = [f for f in fractures if is_recent(f.occurred_on, today)]
    if recent:
        reasons.append(
            Reason(
                RECENT_FRACTURE,
                f"You broke a bone in the past year ({'; '.join(_plain(f) for f in recent)}).",
                f"Fragility fracture within {RECENT_MONTHS} months: {', '.join(_precise(f) for f in recent)}",
            )
        )
    on_treatment = [(f, course) for f in fractures if (course := _first_cover(f, courses)) is not None]
    if on_treatment:
        reasons.append(
            Reason(
                FRACTURE_ON_TREATMENT,
                "You broke a bone while taking osteoporosis medication ("
                + "; ".join(f"{_plain(f)}, on {course.drug}" for f, course in on_treatment)
                + ").",
                "Fragility fracture on osteoporosis treatment: "
                + ", ".join(f"{_precise(f)} ({course.drug})" for f, course in on_treatment),
            )
        )
    if len(fractures) >= 2:
        reasons.append(
            Reason(
                MULTIPLE_FRACTURES,
                f"You have broken {len(fractures)} bones ({'; '.join(_plain(f) for f in fractures)}).",
                f"Multiple fragility fractures ({len(fractures)}): {', '.join(_precise(f) for f in fractures)}",
            )
        )
    steroids = [f for f in fractures if f.on_glucocorticoids]
    if steroids:
        reasons.append(
            Reason(
                FRACTURE_ON_GLUCOCORTICOIDS,
                f"You broke a bone while taking steroid tablets ({'; '.join(_plain(f) for f in steroids)}).",
                f"Fragility fracture on glucocorticoids: {', '.join(_precise(f) for f in steroids)}",
            )
        )
    return reasons


def _first_cover(fracture: FractureFact, courses: tuple[CourseFact, ...]) -> CourseFact | None:
    return next((course for course in courses if course.covers(fracture.occurred_on)), None)


def _falls_reason(falls: list[FallFact], today: dt.date) -> Reason | None:
    recent = sorted((fall for fall in falls if is_recent(fall.occurred_on, today)), key=lambda fall: fall.occurred_on)
    hurt = [fall for fall in recent if fall.injury]
    if len(recent) < FALLS_HIGH_RISK and not hurt:
        return None
    plain, precise = [], []
    if len(recent) >= FALLS_HIGH_RISK:
        plain.append(f"you fell {len(recent)} times in the past year")
        precise.append(
            f"{len(recent)} falls within {RECENT_MONTHS} months ({', '.join(fall.occurred_on.isoformat() for fall in recent)})"
        )
    if hurt:
        plain.append(f"you were hurt in a fall ({', '.join(f'{fall.occurred_on:%B %Y}' for fall in hurt)})")
        precise.append(f"fall with injury within {RECENT_MONTHS} months ({', '.join(f.occurred_on.isoformat() for f in hurt)})")
    sentence = " and ".join(plain)
    return Reason(FALLS, f"A high risk of falls: {sentence}.", f"High risk of falls: {'; '.join(precise)}")


def _frax_reason(frax: FraxFact) -> Reason | None:
    plain, precise = [], []
    if frax.major > VERY_HIGH_MAJOR:
        plain.append(f"a {percent(frax.major)} chance of a major broken bone in 10 years (over 30 %)")
        precise.append(f"major {percent(frax.major)} > 30 %")
    if frax.hip > VERY_HIGH_HIP:
        plain.append(f"a {percent(frax.hip)} chance of a broken hip in 10 years (over 4.5 %)")
        precise.append(f"hip {percent(frax.hip)} > 4.5 %")
    if not plain:
        return None
    return Reason(
        VERY_HIGH_FRAX,
        f"Your fracture risk result (FRAX) gives {' and '.join(plain)}.",
        f"FRAX {', '.join(precise)} ({frax.assessed_on.isoformat()})",
    )


def _threshold_reason(scan: ScanFact | None, frax: FraxFact | None) -> Reason | None:
    if scan is None or frax is None or scan.category != dexa_rules.OSTEOPENIA:
        return None
    plain, precise = [], []
    if frax.hip >= THRESHOLD_HIP:
        plain.append(f"a {percent(frax.hip)} chance of a broken hip in 10 years (3 % or more)")
        precise.append(f"hip {percent(frax.hip)} ≥ 3 %")
    if frax.major >= THRESHOLD_MAJOR:
        plain.append(f"a {percent(frax.major)} chance of a major broken bone in 10 years (20 % or more)")
        precise.append(f"major {percent(frax.major)} ≥ 20 %")
    if not plain:
        return None
    return Reason(
        THRESHOLD_FRAX,
        f"Your bone density is in the low bone mass (osteopenia) range and your fracture risk result (FRAX) gives "
        f"{' and '.join(plain)}.",
        f"Osteopenia (scan {scan.scanned_on.isoformat()}) with FRAX {', '.join(precise)} ({frax.assessed_on.isoformat()})",
    )


def assess_risk(
    *,
    today: dt.date,
    scan: ScanFact | None,
    frax: FraxFact | None,
    fractures: list[FractureFact] | tuple[FractureFact, ...] = (),
    falls: list[FallFact] | tuple[FallFact, ...] = (),
    courses: list[CourseFact] | tuple[CourseFact, ...] = (),
) -> RiskAssessment:
    """R14 from the latest scan, the latest FRAX result, the fractures, the falls and the medication courses."""
    fragility = sorted((f for f in fractures if f.fragility), key=lambda f: (f.occurred_on, f.site))
    courses = tuple(sorted(courses, key=lambda course: course.started_on))
    reasons = _fracture_reasons(fragility, courses, today)
    if scan is not None and scan.lowest_t is not None and scan.category not in Z_SCORE_CATEGORIES and scan.lowest_t < VERY_HIGH_T:
        reasons.append(
            Reason(
                VERY_LOW_T,
                f"Your lowest T-score on your latest scan is {signed(scan.lowest_t)}, below −3.0.",
                f"Lowest T-score {signed(scan.lowest_t)} < −3.0 (scan {scan.scanned_on.isoformat()})",
            )
        )
    frax_reason = _frax_reason(frax) if frax is not None else None
    if frax_reason:
        reasons.append(frax_reason)
    falls_reason = _falls_reason(list(falls), today)
    if falls_reason:
        reasons.append(falls_reason)
    threshold = _threshold_reason(scan, frax)
    return RiskAssessment(
        very_high_risk_reasons=tuple(reasons),
        threshold_reasons=(threshold,) if threshold else (),
        scan=scan,
        frax=frax,
        fractures=tuple(fragility),
    )
