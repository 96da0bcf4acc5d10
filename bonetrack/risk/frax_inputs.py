"""What BoneTrack already knows of the official FRAX calculator's inputs (DOMAIN.md §10), for a clinician to copy in.

BoneTrack does not calculate FRAX: its equations are not public.
"""

import datetime as dt
from dataclasses import dataclass

from bonetrack.accounts.measures import height_text, weight_text
from bonetrack.accounts.models import ALCOHOL_RISK_UNITS_PER_WEEK, Glucocorticoids, PatientProfile, Smoking
from bonetrack.core.date_display import format_day
from dexa import rules as dexa_rules
from dexa.models import SiteMeasurement

from .rules import PRECISE_SITES, RiskAssessment

FRAX_CALCULATOR_URL = "https://www.shef.ac.uk/FRAX/tool.jsp"
NOT_RECORDED = "not recorded"
FRAX_AGES = (40, 90)


@dataclass(frozen=True)
class FraxInput:
    label: str
    value: str

    @property
    def recorded(self) -> bool:
        return self.value != NOT_RECORDED


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _femoral_neck(patient: PatientProfile, assessment: RiskAssessment) -> str:
    """The latest scan's femoral neck BMD and T-score, with the scanner make (one query; none without a scan)."""
    if assessment.scan is None:
        return NOT_RECORDED
    neck = (
        SiteMeasurement.objects.filter(
            scan__patient=patient, scan__scanned_on=assessment.scan.scanned_on, site=dexa_rules.FEMORAL_NECK
        )
        .select_related("scan")
        .order_by("-scan__pk")
        .first()
    )
    if neck is None:
        return f"{NOT_RECORDED} (not measured on the scan of {format_day(assessment.scan.scanned_on)})"
    t_score = f"{neck.t_score:.1f}".replace("-", "−")
    return f"{neck.bmd} g/cm² (T {t_score}), {neck.scan.make_label}, {format_day(neck.scan.scanned_on)}"


def frax_inputs(patient: PatientProfile, assessment: RiskAssessment, today: dt.date) -> list[FraxInput]:
    """The calculator's inputs in its order, each with BoneTrack's value or "not recorded"."""
    age = patient.age_on(today)
    age_text = f"{age}" if FRAX_AGES[0] <= age <= FRAX_AGES[1] else f"{age} (the calculator takes ages 40 to 90)"
    fractures = assessment.fractures
    previous = (
        "Yes: " + ", ".join(f"{PRECISE_SITES.get(f.site, f.site)} {format_day(f.occurred_on)}" for f in fractures)
        if fractures
        else "None recorded"
    )
    smoking = NOT_RECORDED if patient.smoking == Smoking.NOT_RECORDED else _yes_no(patient.smoking == Smoking.CURRENT)
    steroids = (
        NOT_RECORDED
        if patient.glucocorticoids == Glucocorticoids.NOT_RECORDED
        else _yes_no(patient.glucocorticoids in (Glucocorticoids.PAST, Glucocorticoids.CURRENT))
    )
    units = patient.alcohol_units_per_week
    alcohol = (
        NOT_RECORDED
        if units is None
        else f"{_yes_no(units >= ALCOHOL_RISK_UNITS_PER_WEEK)} ({units} unit{'' if units == 1 else 's'} a week)"
    )
    return [
        FraxInput("Age", age_text),
        FraxInput("Sex", patient.get_sex_display()),
        # In the patient's units; the calculator takes kg and cm, so imperial values carry them too.
        FraxInput("Weight", weight_text(patient.weight_kg, patient.body_units, with_metric=True) or NOT_RECORDED),
        FraxInput("Height", height_text(patient.height_cm, patient.body_units, with_metric=True) or NOT_RECORDED),
        FraxInput("Previous fragility fracture", previous),
        FraxInput("Parent fractured hip", _yes_no(patient.parental_hip_fracture)),
        FraxInput("Current smoking", smoking),
        FraxInput("Glucocorticoids", steroids),
        FraxInput("Rheumatoid arthritis", _yes_no(patient.rheumatoid_arthritis)),
        FraxInput("Alcohol 3 or more units a day", alcohol),
        FraxInput("Femoral neck BMD", _femoral_neck(patient, assessment)),
    ]
