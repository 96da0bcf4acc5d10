"""The worklist's own columns and filter: who the patient is, when the next scan is due, osteoporosis medication,
fractures on record.

Other apps add theirs through the same contract (see bonetrack/core/worklist.py).
"""

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bonetrack.accounts.models import Fracture
from bonetrack.core.worklist import WorklistColumn, WorklistFilter

COLUMNS = [
    WorklistColumn("name", "Patient", order=0, sort="user__last_name", template="clinic/cells/name.html"),
    # Sorting by age ascending is sorting by date of birth descending (the "-" flips it).
    WorklistColumn("age", "Age", order=1, sort="-date_of_birth"),
    WorklistColumn("next_scan_due_on", "Next scan due", order=60, template="clinic/cells/next_due.html"),
    # From the patient row itself (no query): on treatment first when sorted descending.
    WorklistColumn("on_medication", "Medication", order=80, template="clinic/cells/medication.html"),
    WorklistColumn("fragility_fractures", "Fragility fractures", order=95, template="clinic/cells/fractures.html"),
]

FILTERS = [
    WorklistFilter("overdue", "Overdue", lambda today: Q(next_scan_due_on__lt=today)),
]


def annotate(patients: QuerySet, today: dt.date) -> QuerySet:
    """Count each patient's fragility fractures in one correlated subquery (no join, so other annotations stay exact);
    the medication column reads the patient's own row."""
    fractures = (
        Fracture.objects.fragility()
        .filter(patient=OuterRef("pk"))
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return patients.annotate(
        fragility_fractures=Coalesce(Subquery(fractures, output_field=IntegerField()), 0),
        on_medication=F("on_osteoporosis_medication"),
    )
