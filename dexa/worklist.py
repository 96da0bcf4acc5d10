"""The clinician worklist's bone density columns: one Subquery per column, so N patients stay one query."""

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from bonetrack.core.worklist import WorklistColumn, WorklistFilter

from . import rules
from .models import DexaScan, GoalStatus

COLUMNS = [
    WorklistColumn("dexa_diagnosis", "Diagnosis / latest", order=20, template="dexa/_worklist_diagnosis.html"),
    WorklistColumn("dexa_lowest_t", "Lowest T", order=21, template="dexa/_worklist_lowest.html"),
    WorklistColumn("dexa_change", "Change since previous", order=22, template="dexa/_worklist_change.html"),
    WorklistColumn("dexa_last_scan_on", "Last scan", order=23, template="dexa/_worklist_last_scan.html"),
    WorklistColumn("dexa_unverified", "Unverified scans", order=24, template="dexa/_worklist_unverified.html"),
    WorklistColumn("dexa_goal", "Goal", order=25, sort="dexa_goal_rank", template="dexa/_worklist_goal.html"),
]
# R13's status, stored on the latest scan by services.refresh_next_scan_due; sorting puts the patients off track first.
GOAL_ORDER = (GoalStatus.NOT_ON_TRACK, GoalStatus.NO_TREND, GoalStatus.ON_TRACK, GoalStatus.REACHED)
FILTERS = [
    WorklistFilter("osteoporosis", "Osteoporosis", lambda today: Q(dexa_diagnosis__in=sorted(rules.OSTEOPOROTIC))),
    WorklistFilter("unverified", "Scans to verify", lambda today: Q(dexa_unverified__gt=0)),
    *(
        WorklistFilter(f"goal_{status.value}", f"Goal: {status.label.lower()}", lambda today, status=status: Q(dexa_goal=status))
        for status in GOAL_ORDER
    ),
]


def annotate(patients, today):
    latest = DexaScan.objects.filter(patient=OuterRef("pk")).order_by("-scanned_on", "-pk")
    unverified = (
        DexaScan.objects.filter(patient=OuterRef("pk"), verified_at__isnull=True)
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    goal = Subquery(latest.values("goal_status")[:1])
    return patients.annotate(
        dexa_goal=goal,
        dexa_goal_rank=Case(
            *(When(dexa_goal=status, then=Value(rank)) for rank, status in enumerate(GOAL_ORDER)),
            default=Value(len(GOAL_ORDER)),
            output_field=IntegerField(),
        ),
        dexa_diagnosis=Subquery(latest.values("diagnosis")[:1]),
        dexa_diagnosis_reason=Subquery(latest.values("diagnosis_reason")[:1]),
        dexa_category=Subquery(latest.values("category")[:1]),
        dexa_lowest_t=Subquery(latest.values("lowest_t_score")[:1]),
        dexa_lowest_site=Subquery(latest.values("lowest_t_site")[:1]),
        dexa_change=Subquery(latest.values("change_status")[:1]),
        dexa_last_scan_on=Subquery(latest.values("scanned_on")[:1]),
        dexa_unverified=Coalesce(Subquery(unverified, output_field=IntegerField()), Value(0)),
    )
