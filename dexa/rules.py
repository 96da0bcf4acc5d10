"""The DEXA rules R1–R5 of DOMAIN.md, as pure functions of plain values (no database)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bonetrack.core.dates import add_months

# Sites (R1). All four are diagnostic; the 33% radius only counts when it was measured.
LUMBAR_SPINE = "lumbar_spine"
TOTAL_HIP = "total_hip"
FEMORAL_NECK = "femoral_neck"
RADIUS_33 = "radius_33"
SITE_LABELS = {
    LUMBAR_SPINE: "Lumbar spine (L1–L4)",
    TOTAL_HIP: "Total hip",
    FEMORAL_NECK: "Femoral neck",
    RADIUS_33: "33% radius",
}
SITES = tuple(SITE_LABELS)

# R1 categories, and R2's Z-score statements for the other population.
NORMAL = "normal"
OSTEOPENIA = "osteopenia"
OSTEOPOROSIS = "osteoporosis"
SEVERE = "severe"
Z_BELOW = "z_below"
Z_WITHIN = "z_within"
CATEGORY_LABELS = {
    NORMAL: "Normal",
    OSTEOPENIA: "Osteopenia (low bone mass)",
    OSTEOPOROSIS: "Osteoporosis",
    SEVERE: "Severe (established) osteoporosis",
    Z_BELOW: "Below the expected range for age",
    Z_WITHIN: "Within the expected range for age",
}
OSTEOPOROTIC = frozenset({OSTEOPOROSIS, SEVERE})

NORMAL_FROM = Decimal("-1.0")  # T ≥ −1.0 is normal
OSTEOPOROSIS_AT = Decimal("-2.5")  # T ≤ −2.5 is osteoporosis
Z_LOW_AT = Decimal("-2.0")  # Z ≤ −2.0 is below the expected range

# R4: default LSC as a fraction of the earlier BMD when the facility has none for the site.
DEFAULT_LSC_FRACTION = {
    LUMBAR_SPINE: Decimal("0.030"),
    TOTAL_HIP: Decimal("0.036"),
    FEMORAL_NECK: Decimal("0.050"),
    RADIUS_33: Decimal("0.040"),
}
GAIN, STABLE, LOSS, NOT_COMPARABLE = "gain", "stable", "loss", "not_comparable"
CHANGE_LABELS = {
    GAIN: "Significant gain",
    STABLE: "Stable",
    LOSS: "Significant loss",
    NOT_COMPARABLE: "Not comparable: different scanner make",
}


@dataclass(frozen=True)
class Reading:
    """One site's result, as the rules need it."""

    site: str
    t_score: Decimal
    z_score: Decimal | None = None


def t_score_category(t_score: Decimal) -> str:
    """R1: normal, osteopenia or osteoporosis for one T-score (−1.0 is normal, −2.5 is osteoporosis)."""
    if t_score >= NORMAL_FROM:
        return NORMAL
    if t_score <= OSTEOPOROSIS_AT:
        return OSTEOPOROSIS
    return OSTEOPENIA


def lowest_reading(readings: Iterable[Reading]) -> Reading | None:
    """R1: the reading with the lowest T-score over the diagnostic sites (spine first on ties)."""
    ranked = [r for r in readings if r.site in SITE_LABELS]
    if not ranked:
        return None
    return min(ranked, key=lambda r: (r.t_score, SITES.index(r.site)))


@dataclass(frozen=True)
class Population:
    uses_t_score: bool
    note: str = ""


def score_population(*, sex: str, menopausal_status: str, age: int) -> Population:
    """R2: whether WHO T-score categories apply at this age, or Z-score statements instead."""
    if sex == "male":
        if age >= 50:
            return Population(True)
        return Population(False, "Men under 50 are described by Z-score, not by a WHO category.")
    if menopausal_status in ("post", "peri"):
        return Population(True)
    if menopausal_status == "pre":
        return Population(False, "Premenopausal women are described by Z-score, not by a WHO category.")
    return Population(True, "Menopausal status is not recorded, so the T-score categories are assumed.")


@dataclass(frozen=True)
class ScanCategory:
    code: str
    lowest: Reading | None
    note: str = ""

    @property
    def label(self) -> str:
        return CATEGORY_LABELS.get(self.code, "No category")


def classify_scan(readings: Sequence[Reading], population: Population, *, fragility_fracture: bool = False) -> ScanCategory:
    """R1 + R2: the category of one scan, from its lowest diagnostic-site score."""
    lowest = lowest_reading(readings)
    if lowest is None:
        return ScanCategory("", None, "No diagnostic site measured.")
    if not population.uses_t_score:
        z_scores = [r.z_score for r in readings if r.site in SITE_LABELS and r.z_score is not None]
        if not z_scores:
            return ScanCategory("", lowest, population.note + " No Z-score was recorded.")
        return ScanCategory(Z_BELOW if min(z_scores) <= Z_LOW_AT else Z_WITHIN, lowest, population.note)
    code = t_score_category(lowest.t_score)
    if code == OSTEOPOROSIS and fragility_fracture:
        code = SEVERE
    return ScanCategory(code, lowest, population.note)


# R1b: fragility fracture sites (accounts.FractureSite) that make the diagnosis of record osteoporosis whatever the
# T-score, and those that do so when the lowest T is in the osteopenia range; each with its name in the reason.
FRACTURE_DIAGNOSIS_ANY_T = {"vertebral": "vertebral", "hip": "hip"}
FRACTURE_DIAGNOSIS_WITH_OSTEOPENIA = {"humerus": "proximal humerus", "pelvis": "pelvic", "wrist": "wrist (distal forearm)"}
T_SCORE_CATEGORIES = frozenset({NORMAL, OSTEOPENIA, OSTEOPOROSIS, SEVERE})
FRACTURE_DIAGNOSIS_LABEL = "Osteoporosis (based on a fragility fracture)"


def fracture_diagnosis(category: str, fractures: Iterable[tuple[str, dt.date]]) -> str:
    """R1b: why fragility fractures (site, date) make the diagnosis osteoporosis with this scan category, or ''.

    Only for R2's T-score population (a Z-score statement or no category never qualifies). A hip or vertebral
    fracture counts whatever the T-score; a proximal humerus, pelvic or distal forearm one only with osteopenia.
    The earliest fracture that counts is named, e.g. "based on a vertebral fragility fracture, 2019".
    """
    if category not in T_SCORE_CATEGORIES:
        return ""
    fractures = list(fractures)
    counted = [(day, FRACTURE_DIAGNOSIS_ANY_T[site], "") for site, day in fractures if site in FRACTURE_DIAGNOSIS_ANY_T]
    if category == OSTEOPENIA:
        counted += [
            (day, FRACTURE_DIAGNOSIS_WITH_OSTEOPENIA[site], " with osteopenia")
            for site, day in fractures
            if site in FRACTURE_DIAGNOSIS_WITH_OSTEOPENIA
        ]
    if not counted:
        return ""
    day, name, condition = min(counted, key=lambda fracture: fracture[0])
    return f"based on a {name} fragility fracture{condition}, {day.year}"


def diagnosis_label(code: str, reason: str = "") -> str:
    """The diagnosis of record in words; R1b's shows that a fracture decided it."""
    if reason and code == OSTEOPOROSIS:
        return FRACTURE_DIAGNOSIS_LABEL
    return CATEGORY_LABELS.get(code, "")


def diagnosis_of_record(categories: Sequence[str]) -> str:
    """R3: osteoporosis stays once any scan reached it (severe if any scan was severe); else the latest category."""
    if SEVERE in categories:
        return SEVERE
    if OSTEOPOROSIS in categories:
        return OSTEOPOROSIS
    return categories[-1] if categories else ""


def improvement(previous: str, current: str) -> str:
    """R3: the improvement event between two consecutive scan categories, or ''."""
    if previous in OSTEOPOROTIC and current in (OSTEOPENIA, NORMAL):
        return "Moved out of the osteoporosis range"
    if previous == OSTEOPENIA and current == NORMAL:
        return "Moved from osteopenia to normal"
    return ""


@dataclass(frozen=True)
class Change:
    status: str
    delta: Decimal | None = None  # g/cm²
    lsc: Decimal | None = None  # g/cm²
    lsc_source: str = ""  # "facility LSC" or "default LSC"
    earlier: Decimal | None = None

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.status]

    @property
    def percent(self) -> Decimal | None:
        if self.delta is None or not self.earlier:
            return None
        return (self.delta / self.earlier * 100).quantize(Decimal("0.1"))


def same_make(make_a: str, model_a: str, make_b: str, model_b: str) -> bool:
    """R4: scans are comparable on the same manufacturer; two "other" makes only when the model matches too."""
    if make_a != make_b:
        return False
    return make_a != "other" or model_a.strip().lower() == model_b.strip().lower()


def bmd_change(
    site: str, earlier_bmd: Decimal, later_bmd: Decimal, *, comparable: bool, facility_lsc: Decimal | None = None
) -> Change:
    """R4: significant gain, stable, significant loss, or not comparable. |ΔBMD| equal to the LSC is significant."""
    if not comparable:
        return Change(NOT_COMPARABLE)
    delta = later_bmd - earlier_bmd
    if facility_lsc is not None:
        lsc, source = facility_lsc, "facility LSC"
    else:
        lsc, source = earlier_bmd * DEFAULT_LSC_FRACTION[site], "default LSC"
    status = GAIN if delta >= lsc else LOSS if delta <= -lsc else STABLE
    return Change(status, delta, lsc, source, earlier_bmd)


@dataclass(frozen=True)
class NextScan:
    due_on: dt.date | None
    rule: str
    set_by_clinician: bool = False


@dataclass(frozen=True)
class ScanSituation:
    """What R5 reads at the latest scan."""

    latest_scan_on: dt.date
    previous_scan_on: dt.date | None
    category: str
    diagnosis: str
    lowest_t: Decimal | None
    on_medication: bool = False
    medication_changed_on: dt.date | None = None
    risk_factor: bool = False  # any clinical risk factor of R5, including a prior fragility fracture
    clinician_interval_months: int | None = None


def next_scan_due(s: ScanSituation) -> NextScan:
    """R5: the next scan date and the rule it came from; a clinician's interval always wins."""
    if s.clinician_interval_months:
        return NextScan(
            add_months(s.latest_scan_on, s.clinician_interval_months),
            f"Every {s.clinician_interval_months} months, set by your clinician.",
            set_by_clinician=True,
        )
    treated = s.category in OSTEOPOROTIC or s.diagnosis in OSTEOPOROTIC or s.on_medication
    if treated:
        changed = s.medication_changed_on is not None and (
            s.previous_scan_on is None or s.medication_changed_on > s.previous_scan_on
        )
        if changed:
            return NextScan(
                add_months(s.latest_scan_on, 12),
                "1 year: osteoporosis or treatment, with a drug started or changed since the previous scan (default rule).",
            )
        return NextScan(add_months(s.latest_scan_on, 24), "2 years: osteoporosis or on treatment (default rule).")
    if s.category == OSTEOPENIA and s.lowest_t is not None and s.lowest_t <= Decimal("-2.0"):
        return NextScan(
            add_months(s.latest_scan_on, 24), "2 years: osteopenia with a lowest T-score of −2.0 or below (default rule)."
        )
    if s.risk_factor:
        return NextScan(add_months(s.latest_scan_on, 24), "2 years: a clinical risk factor is recorded (default rule).")
    if s.category == OSTEOPENIA:
        return NextScan(add_months(s.latest_scan_on, 60), "5 years: osteopenia (default rule).")
    if s.category == NORMAL:
        return NextScan(
            None, "None scheduled by default after a normal result (about 15 years, Gourlay 2012); your clinician may set one."
        )
    return NextScan(None, "None scheduled by default for a Z-score result; your clinician may set one.")
