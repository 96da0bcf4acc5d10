"""R7 daily nutrient targets by age and sex on the day, as pure functions, plus clinician overrides.

Calcium under 19 follows the IOM table of DOMAIN.md §5 (1300 mg, upper limit 3000 mg for ages 9–18); R7 covers adults.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

# The rule code and guideline names in `Target.rule` that only the care team reads, e.g. "R7, " and " (BHOF 800–1000 IU)".
PRECISE_WORDS = re.compile(r"^(?:R7|IOM)[,:] | \((?:BHOF|IOM)[^)]*\)")

MIN = "min"  # reach at least `value`
LIMIT = "limit"  # stay at or below `value`


@dataclass(frozen=True)
class Target:
    nutrient: str
    value: Decimal | None  # None: no target for this person (e.g. protein without a known weight)
    kind: str = MIN
    upper_limit: Decimal | None = None
    rule: str = ""  # why this value, shown to the user
    range_high: Decimal | None = None  # the top of a recommended range (protein 1.2 g/kg)
    overridden: bool = False
    set_by: str = ""

    @property
    def source(self) -> str:
        return "set by your clinician" if self.overridden else "default rule"

    @property
    def plain_rule(self) -> str:
        """`rule` in a patient's words: whom the target is for, without the rule code or the guideline's name."""
        return PRECISE_WORDS.sub("", self.rule)


def calcium_target(age: int, sex: str) -> Target:
    if age < 19:
        return Target("calcium_mg", Decimal(1300), upper_limit=Decimal(3000), rule="IOM, ages 9–18")
    upper = Decimal(2500) if age <= 50 else Decimal(2000)
    if (sex == "female" and age >= 51) or (sex == "male" and age >= 71):
        who = "women 51 and over" if sex == "female" else "men 71 and over"
        return Target("calcium_mg", Decimal(1200), upper_limit=upper, rule=f"R7, {who}")
    who = "adults 19–50" if age <= 50 else "men 51–70"
    return Target("calcium_mg", Decimal(1000), upper_limit=upper, rule=f"R7, {who}")


def vitamin_d_target(age: int) -> Target:
    if age < 50:
        return Target("vitamin_d_iu", Decimal(600), upper_limit=Decimal(4000), rule="R7, under 50")
    return Target("vitamin_d_iu", Decimal(800), upper_limit=Decimal(4000), rule="R7, 50 and over (BHOF 800–1000 IU)")


def magnesium_target(age: int, sex: str) -> Target:
    young = age <= 30
    values = {"male": (Decimal(400), Decimal(420))}.get(sex, (Decimal(310), Decimal(320)))
    value = values[0] if young else values[1]
    # R7: the 350 mg upper limit applies to supplements only.
    return Target(
        "magnesium_mg",
        value,
        upper_limit=Decimal(350),
        rule=f"R7, {'men' if sex == 'male' else 'women'} {'19–30' if young else '31+'}",
    )


def vitamin_k_target(sex: str) -> Target:
    return Target(
        "vitamin_k_mcg", Decimal(120) if sex == "male" else Decimal(90), rule=f"R7, {'men' if sex == 'male' else 'women'}"
    )


def protein_target(age: int, weight_kg: Decimal | None) -> Target:
    if age < 65 or not weight_kg:
        return Target("protein_g", None, rule="R7: a protein target from age 65 when weight is known")
    weight = Decimal(str(weight_kg))
    return Target(
        "protein_g",
        (weight * Decimal("1.0")).quantize(Decimal("1")),
        range_high=(weight * Decimal("1.2")).quantize(Decimal("1")),
        rule=f"R7, 1.0–1.2 g per kg ({weight.normalize():f} kg), 65 and over",
    )


def default_targets(age: int, sex: str, weight_kg: Decimal | None = None) -> dict[str, Target]:
    """Every R7 target for a person of `age` and `sex` on one day."""
    targets = [
        calcium_target(age, sex),
        vitamin_d_target(age),
        magnesium_target(age, sex),
        vitamin_k_target(sex),
        protein_target(age, weight_kg),
        Target("sodium_mg", Decimal(2300), kind=LIMIT, rule="R7, under 2300 mg a day"),
        Target("caffeine_mg", Decimal(300), kind=LIMIT, rule="R7: above 300 mg is linked to faster bone loss"),
    ]
    return {t.nutrient: t for t in targets}


# R7: magnesium's upper limit (350 mg) is for supplements only, and its target counts food too (310–420 mg).
SUPPLEMENT_ONLY_LIMITS = frozenset({"magnesium_mg"})


def limit_for_target(target: Target) -> Decimal | None:
    """The upper limit a care-team target for this nutrient must not pass unconfirmed (R7); None when there is none."""
    return None if target.nutrient in SUPPLEMENT_ONLY_LIMITS else target.upper_limit


def apply_overrides(targets: dict[str, Target], overrides: dict[str, tuple[Decimal, str]]) -> dict[str, Target]:
    """Replace default values with the care team's (`overrides` maps nutrient to (value, who set it))."""
    result = dict(targets)
    for nutrient, (value, set_by) in overrides.items():
        if nutrient in result and value is not None:
            base = result[nutrient]
            result[nutrient] = Target(
                nutrient, Decimal(value), base.kind, base.upper_limit, "Set by the care team", None, True, set_by
            )
    return result


def targets_for(patient, day, overrides: dict[str, tuple[Decimal, str]] | None = None) -> dict[str, Target]:
    """The patient's targets on `day`: R7 by age and sex that day, with any clinician overrides."""
    targets = default_targets(patient.age_on(day), patient.sex, patient.weight_kg)
    return apply_overrides(targets, overrides or {})


@dataclass(frozen=True)
class TargetDays:
    """Of the given logged days, how many met the calcium and the vitamin D target, and each day's two targets."""

    calcium_met: int
    vitamin_d_met: int
    targets: tuple[tuple, ...]  # (date, calcium target mg, vitamin D target IU) per day


def days_meeting_targets(patient, days, overrides) -> TargetDays:
    """R7 day by day: `days` are (date, counted calcium mg, vitamin D IU) for the logged days; the target is the one
    for the patient's age and sex on that day, or the care team's override."""
    by_age: dict[int, tuple[Decimal, Decimal]] = {}
    calcium_met = vitamin_d_met = 0
    targets = []
    for day, calcium, vitamin_d in days:
        age = patient.age_on(day)
        if age not in by_age:
            found = targets_for(patient, day, overrides)
            by_age[age] = (found["calcium_mg"].value, found["vitamin_d_iu"].value)
        calcium_target, vitamin_d_target = by_age[age]
        calcium_met += Decimal(calcium or 0) >= calcium_target
        vitamin_d_met += Decimal(vitamin_d or 0) >= vitamin_d_target
        targets.append((day, calcium_target, vitamin_d_target))
    return TargetDays(calcium_met, vitamin_d_met, tuple(targets))
