"""Laboratory rules (DOMAIN.md R12, §8): unit conversions and the interpretation of one result. Pure functions.

25(OH)D: < 20 ng/mL deficient, 20–29 insufficient, ≥ 30 at target for bone health; nmol/L ÷ 2.496 → ng/mL.
Serum calcium: flagged outside 8.5–10.2 mg/dL unless the lab gives its own range; mmol/L ÷ 0.2495 → mg/dL.

The 25(OH)D bands are compared on the exact value: "20–29" means 20 up to (not including) 30, so 29.5 ng/mL is
insufficient (it has not reached the target of 30), and 19.9 is deficient.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VITAMIN_D = "vitamin_d_25oh"
CALCIUM = "calcium"

NG_ML, NMOL_L = "ng/mL", "nmol/L"
MG_DL, MMOL_L = "mg/dL", "mmol/L"

CANONICAL_UNIT = {VITAMIN_D: NG_ML, CALCIUM: MG_DL}
UNITS = {VITAMIN_D: (NG_ML, NMOL_L), CALCIUM: (MG_DL, MMOL_L)}
# Dividing an entered value by the factor gives the canonical unit.
FACTORS = {NG_ML: Decimal(1), NMOL_L: Decimal("2.496"), MG_DL: Decimal(1), MMOL_L: Decimal("0.2495")}

# Plausible values in the canonical unit (the database enforces the same bounds).
VITAMIN_D_MAX = Decimal(250)
CALCIUM_MIN, CALCIUM_MAX = Decimal(2), Decimal(20)

VITAMIN_D_DEFICIENT_BELOW = Decimal(20)
VITAMIN_D_TARGET_FROM = Decimal(30)
CALCIUM_DEFAULT_RANGE = (Decimal("8.5"), Decimal("10.2"))

# 25(OH)D is reported to 0.1 ng/mL, calcium to 0.01 mg/dL (75 nmol/L → 30.0 ng/mL; 2.5 mmol/L → 10.02 mg/dL).
PLACES = {VITAMIN_D: Decimal("0.1"), CALCIUM: Decimal("0.01")}


@dataclass(frozen=True)
class Interpretation:
    key: str  # deficient | insufficient | target | low | normal | high
    label: str
    tone: str  # ok | warning | danger (badge tones)


DEFICIENT = Interpretation("deficient", "Deficient", "danger")
INSUFFICIENT = Interpretation("insufficient", "Insufficient", "warning")
AT_TARGET = Interpretation("target", "At target", "ok")
LOW = Interpretation("low", "Below range", "warning")
NORMAL = Interpretation("normal", "Within range", "ok")
HIGH = Interpretation("high", "Above range", "warning")


def to_canonical(test: str, value: Decimal, unit: str) -> Decimal:
    """The value in the test's canonical unit (ng/mL or mg/dL), rounded as the test is reported.

    The interpretation is made on this stored value, so what the page shows and the badge always agree.
    """
    if unit not in UNITS[test]:
        raise ValueError(f"{unit} is not a unit for {test}")
    return (Decimal(value) / FACTORS[unit]).quantize(PLACES[test], rounding=ROUND_HALF_UP)


def format_number(value: Decimal) -> str:
    """A value as printed on a report: no trailing zeros, never an exponent (30.00 → "30", 10.20 → "10.2")."""
    return f"{Decimal(value).normalize():f}"


def is_plausible(test: str, value: Decimal) -> bool:
    """Within the bounds a real result can have (canonical unit): 0 < 25(OH)D ≤ 250 ng/mL; calcium 2–20 mg/dL."""
    if test == VITAMIN_D:
        return Decimal(0) < value <= VITAMIN_D_MAX
    return CALCIUM_MIN <= value <= CALCIUM_MAX


def vitamin_d_status(ng_ml: Decimal) -> Interpretation:
    if ng_ml < VITAMIN_D_DEFICIENT_BELOW:
        return DEFICIENT
    if ng_ml < VITAMIN_D_TARGET_FROM:
        return INSUFFICIENT
    return AT_TARGET


def calcium_range(low: Decimal | None = None, high: Decimal | None = None) -> tuple[Decimal, Decimal]:
    """The lab's own reference range when it gave both ends, else 8.5–10.2 mg/dL."""
    if low is not None and high is not None:
        return low, high
    return CALCIUM_DEFAULT_RANGE


def calcium_status(mg_dl: Decimal, low: Decimal | None = None, high: Decimal | None = None) -> Interpretation:
    range_low, range_high = calcium_range(low, high)
    if mg_dl < range_low:
        return LOW
    if mg_dl > range_high:
        return HIGH
    return NORMAL


def interpret(test: str, value: Decimal, low: Decimal | None = None, high: Decimal | None = None) -> Interpretation:
    """The interpretation of one result given in the canonical unit."""
    if test == VITAMIN_D:
        return vitamin_d_status(value)
    return calcium_status(value, low, high)
