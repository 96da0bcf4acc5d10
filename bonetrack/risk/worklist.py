"""The worklist's fracture risk column and filters (contract: bonetrack/core/worklist.py), R14.

The filters are SQL conditions over every visible patient; the column's reasons are worked out in Python for the
rows of the page only, in one query for the page.
"""

import datetime as dt

from bonetrack.core.worklist import WorklistColumn, WorklistFilter

from .assessment import assess_patients, treatment_threshold_condition, very_high_risk_condition

COLUMNS = [WorklistColumn("fracture_risk", "Fracture risk", order=26, sortable=False, template="risk/cells/fracture_risk.html")]
FILTERS = [
    WorklistFilter("very_high_risk", "Very high risk", very_high_risk_condition),
    WorklistFilter("treatment_threshold", "Meets treatment threshold", treatment_threshold_condition),
]


def prepare_rows(patients: list, today: dt.date) -> None:
    """Set `fracture_risk` (a RiskAssessment) on the page's rows, in one query for the whole page."""
    assessments = assess_patients([patient.pk for patient in patients], today)
    for patient in patients:
        patient.fracture_risk = assessments[patient.pk]
