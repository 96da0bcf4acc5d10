"""Demo lab results for Margaret: 25(OH)D insufficient before treatment, then at target on supplements; one
serum calcium with the lab's own range. Idempotent: nothing is added when she already has results."""

import datetime as dt
from decimal import Decimal as D

from .. import rules
from ..models import LabResult

ORDER = 50

# (years before today, test, entered value, unit, the lab's range in the same unit, notes)
MARGARET = [
    (8, rules.VITAMIN_D, D("54"), rules.NMOL_L, None, "Before starting vitamin D supplements."),
    (6, rules.VITAMIN_D, D("34"), rules.NG_ML, None, ""),
    (3, rules.VITAMIN_D, D("88"), rules.NMOL_L, None, ""),
    (1, rules.VITAMIN_D, D("36"), rules.NG_ML, None, "Annual check."),
    (1, rules.CALCIUM, D("2.38"), rules.MMOL_L, (D("2.20"), D("2.57")), ""),
]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def seed(demo) -> None:
    patient = demo.patient
    if LabResult.objects.for_patient(patient).exists():
        return
    LabResult.objects.bulk_create(
        LabResult(
            patient=patient,
            test=test,
            entered_value=value,
            entered_unit=unit,
            value=rules.to_canonical(test, value, unit),
            taken_on=_years_before(demo.today, years),
            range_low=rules.to_canonical(test, lab_range[0], unit) if lab_range else None,
            range_high=rules.to_canonical(test, lab_range[1], unit) if lab_range else None,
            notes=notes,
            entered_by=demo.clinician,
        )
        for years, test, value, unit, lab_range, notes in MARGARET
    )
