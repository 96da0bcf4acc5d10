"""The worklist's own columns and filter: who the patient is, when the next scan is due, osteoporosis medication
(from the courses), fractures on record.

Other apps add theirs through the same contract (see bonetrack/core/worklist.py).
"""

import datetime as dt

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bonetrack.accounts.models import Fracture
from bonetrack.core.worklist import WorklistColumn, WorklistFilter
from bonetrack.treatment.models import COURSE_CHANGED_ON, Course, Family

COLUMNS = [
    WorklistColumn("name", "Patient", order=0, sort="user__last_name", template="clinic/cells/name.html"),
    # Sorting by age ascending is sorting by date of birth descending (the "-" flips it).
    WorklistColumn("age", "Age", order=1, sort="-date_of_birth"),
    WorklistColumn("next_scan_due_on", "Next scan due", order=60, template="clinic/cells/next_due.html"),
    # Correlated subqueries of the page query: on treatment first when sorted descending.
    WorklistColumn("on_medication", "Medication", order=80, template="clinic/cells/medication.html"),
    WorklistColumn("fragility_fractures", "Fragility fractures", order=95, template="clinic/cells/fractures.html"),
]

FILTERS = [
    WorklistFilter("overdue", "Overdue", lambda today: Q(next_scan_due_on__lt=today)),
]


def annotate(patients: QuerySet, today: dt.date) -> QuerySet:
    """Count each patient's fragility fractures, and read their current medication, in correlated subqueries (no
    join, so other annotations stay exact)."""
    fractures = (
        Fracture.objects.fragility()
        .filter(patient=OuterRef("pk"))
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    courses = Course.objects.filter(patient=OuterRef("pk"))
    current = courses.current()
    return patients.annotate(
        fragility_fractures=Coalesce(Subquery(fractures, output_field=IntegerField()), 0),
        on_medication=Exists(current),
        # A drug not recorded (courses carried over from the old profile checkbox) shows as "treatment".
        medication_drug=Subquery(
            current.exclude(regimen__drug__family=Family.UNSPECIFIED)
            .order_by("-started_on", "-pk")
            .values("regimen__drug__name")[:1]
        ),
        medication_changed_on=Subquery(
            courses.order_by().values("patient").annotate(day=Max(COURSE_CHANGED_ON)).values("day")
        ),
    )
