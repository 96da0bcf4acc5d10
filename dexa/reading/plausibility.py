"""Checks that catch a value read wrongly: ranges (DOMAIN.md §3) and agreement between a row's BMD, T- and Z-score.

A T-score is (BMD − young-adult mean) / young-adult SD, with the make's own reference (DOMAIN.md §3: Lunar reads
about 6 % higher than Hologic). The means below are approximate young-adult references per make, close enough to
tell a misread digit or a lost minus sign (an error of a whole point or more) from the printed T-score.
"""

from decimal import Decimal

from .. import rules

BMD_MIN, BMD_MAX = Decimal("0.2"), Decimal("2.0")
SCORE_MIN, SCORE_MAX = Decimal("-7"), Decimal("6")
# Young-adult mean and SD (g/cm²) per make and site.
REFERENCE = {
    "hologic": {
        rules.LUMBAR_SPINE: (Decimal("1.047"), Decimal("0.110")),
        rules.TOTAL_HIP: (Decimal("0.942"), Decimal("0.122")),
        rules.FEMORAL_NECK: (Decimal("0.858"), Decimal("0.120")),
        rules.RADIUS_33: (Decimal("0.703"), Decimal("0.058")),
    },
    "ge_lunar": {
        rules.LUMBAR_SPINE: (Decimal("1.180"), Decimal("0.120")),
        rules.TOTAL_HIP: (Decimal("1.000"), Decimal("0.120")),
        rules.FEMORAL_NECK: (Decimal("0.980"), Decimal("0.120")),
        rules.RADIUS_33: (Decimal("0.860"), Decimal("0.070")),
    },
}
REFERENCE["other"] = REFERENCE["hologic"]
# How far a printed T-score may be from the one its BMD gives: the make's own reference, or any make's when unknown.
T_TOLERANCE = Decimal("0.6")
T_TOLERANCE_OTHER_MAKE = Decimal("1.6")
# Z − T is the age effect (about the same at every site for one person, and positive past young adulthood).
AGE_GAP_MIN, AGE_GAP_MAX = Decimal("-0.5"), Decimal("3.0")


def t_score_for(bmd: Decimal, make: str, site: str) -> Decimal:
    """The T-score a BMD gives with the make's young-adult reference, to one decimal."""
    mean, sd = REFERENCE[make][site]
    return ((bmd - mean) / sd).quantize(Decimal("0.1"))


def bmd_in_range(bmd: Decimal) -> bool:
    return BMD_MIN <= bmd <= BMD_MAX


def score_in_range(score: Decimal) -> bool:
    return SCORE_MIN <= score <= SCORE_MAX


def t_agrees_with_bmd(bmd: Decimal, t_score: Decimal, make: str, site: str) -> bool:
    """True when the T-score is what the BMD gives (within the tolerance for the make)."""
    if make in ("hologic", "ge_lunar"):
        return abs(t_score_for(bmd, make, site) - t_score) <= T_TOLERANCE
    return any(abs(t_score_for(bmd, m, site) - t_score) <= T_TOLERANCE_OTHER_MAKE for m in ("hologic", "ge_lunar"))


def z_agrees_with_t(t_score: Decimal, z_score: Decimal) -> bool:
    """True when Z − T is an age effect an adult can have."""
    return AGE_GAP_MIN <= z_score - t_score <= AGE_GAP_MAX
