"""Exercise safety for fragile bones (DOMAIN.md R10).

When the latest lowest T-score is ≤ −2.5, or a vertebral or two or more fragility fractures are recorded,
high-impact exercise and loaded spinal flexion or twisting are flagged before logging. After a vertebral
fracture, impact above brisk-walk level ("low") is flagged too. R2's Z-score population (premenopausal women, men
under 50) is never told about T-score ranges: the same R10 trigger reads "your bone density is low for your age".
"""

from dataclasses import dataclass
from decimal import Decimal

from bonetrack.core.timezones import local_today
from dexa import rules
from dexa.models import DexaScan

OSTEOPOROSIS_T = Decimal("-2.5")
# Brisk walking is the "low" impact level; after a vertebral fracture these levels are above it.
ABOVE_BRISK_WALK = ("moderate", "high")


def _minus(value: Decimal) -> str:
    return f"{value}".replace("-", "−")


def fragility_causes(
    *,
    lowest_t: Decimal | None,
    vertebral_fracture: bool,
    multiple_fragility_fractures: bool,
    uses_t_score: bool = True,
) -> list[str]:
    """Why the bones count as fragile under R10 (empty when they don't); `uses_t_score` False for R2's Z-score
    population, whose reason names no T-score range."""
    causes = []
    low_t = lowest_t is not None and lowest_t <= OSTEOPOROSIS_T
    if uses_t_score and low_t:
        causes.append(f"your latest lowest T-score is {_minus(lowest_t)} (osteoporosis range)")
    elif not uses_t_score and low_t:
        causes.append("your bone density is low for your age")
    if vertebral_fracture:
        causes.append("a vertebral fragility fracture is recorded")
    if multiple_fragility_fractures:
        causes.append("two or more fragility fractures are recorded")
    return causes


def _joined(causes: list[str]) -> str:
    return causes[0] if len(causes) == 1 else ", ".join(causes[:-1]) + " and " + causes[-1]


def exercise_safety_reasons(
    *,
    lowest_t: Decimal | None,
    vertebral_fracture: bool,
    multiple_fragility_fractures: bool,
    impact: str,
    flexion_or_twist: bool,
    uses_t_score: bool = True,
) -> list[str]:
    """The R10 reasons to flag one exercise for one patient; empty when it is not flagged."""
    causes = fragility_causes(
        lowest_t=lowest_t,
        vertebral_fracture=vertebral_fracture,
        multiple_fragility_fractures=multiple_fragility_fractures,
        uses_t_score=uses_t_score,
    )
    if not causes:
        return []
    reasons = []
    if impact == "high":
        reasons.append(f"High-impact exercise: flagged because {_joined(causes)}.")
    elif vertebral_fracture and impact in ABOVE_BRISK_WALK:
        reasons.append("Impact above brisk walking: after a vertebral fracture, impact is kept to brisk-walk level.")
    if flexion_or_twist:
        reasons.append(f"Loaded forward bending or twisting of the spine: flagged because {_joined(causes)}.")
    return reasons


@dataclass(frozen=True)
class BoneStatus:
    """What R10 reads about one patient: the latest lowest T-score and the fragility fractures."""

    lowest_t: Decimal | None = None
    vertebral_fracture: bool = False
    fragility_fractures: int = 0
    uses_t_score: bool = True  # False for R2's Z-score population

    @property
    def multiple_fragility_fractures(self) -> bool:
        return self.fragility_fractures >= 2

    @property
    def causes(self) -> list[str]:
        return fragility_causes(
            lowest_t=self.lowest_t,
            vertebral_fracture=self.vertebral_fracture,
            multiple_fragility_fractures=self.multiple_fragility_fractures,
            uses_t_score=self.uses_t_score,
        )

    @property
    def is_fragile(self) -> bool:
        return bool(self.causes)

    def reasons_for(self, exercise) -> list[str]:
        return exercise_safety_reasons(
            lowest_t=self.lowest_t,
            vertebral_fracture=self.vertebral_fracture,
            multiple_fragility_fractures=self.multiple_fragility_fractures,
            impact=exercise.impact,
            flexion_or_twist=exercise.spinal_flexion_or_twist,
            uses_t_score=self.uses_t_score,
        )


def latest_lowest_t_score(patient) -> Decimal | None:
    """The lowest T-score of the patient's latest scan (one query)."""
    value = DexaScan.objects.for_patient(patient).latest_lowest_t_score()
    return None if value is None else Decimal(str(value))


def uses_t_score_today(patient) -> bool:
    """R2 on the patient's local today: a Z-score patient today was one at every earlier scan too."""
    age = patient.age_on(local_today(patient.user))
    return rules.score_population(sex=patient.sex, menopausal_status=patient.menopausal_status, age=age).uses_t_score


def bone_status_for(patient) -> BoneStatus:
    """R10's inputs for `patient` (two queries: the latest scan and the fragility fractures)."""
    sites = list(patient.fractures.fragility().values_list("site", flat=True))
    return BoneStatus(
        lowest_t=latest_lowest_t_score(patient),
        vertebral_fracture="vertebral" in sites,
        fragility_fractures=len(sites),
        uses_t_score=uses_t_score_today(patient),
    )


def flags_for(patient, exercises) -> dict[int, list[str]]:
    """The R10 reasons per exercise id, for those of `exercises` flagged for `patient` (no query when none are given)."""
    exercises = list(exercises)
    if not exercises:
        return {}
    status = bone_status_for(patient)
    return {exercise.pk: reasons for exercise in exercises if (reasons := status.reasons_for(exercise))}
