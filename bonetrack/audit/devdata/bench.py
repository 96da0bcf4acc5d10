"""`make bench`: two years of changes to the heavy patient's record, so the timeline's record source has full pages."""

import datetime as dt

from django.utils import timezone

from bonetrack.core.devdata.benchmarking import BenchContext

from ..models import RecordEvent

ORDER = 85
KINDS = ("targets_changed", "scan_verified", "care_team_joined", "scan_interval_changed", "goal_changed", "note_edited")


def seed(ctx: BenchContext) -> None:
    """A change a week for two years, by the clinician or the patient, each with its before → after."""
    if ctx.patient is None or RecordEvent.objects.filter(patient=ctx.patient).exists():
        return
    now = timezone.now()
    RecordEvent.objects.bulk_create(
        RecordEvent(
            patient=ctx.patient,
            kind=KINDS[week % len(KINDS)],
            actor=ctx.clinician if week % 3 else ctx.patient.user,
            occurred_at=now - dt.timedelta(days=7 * week, hours=5),
            summary=f"Change {week} to the record.",
            details={"changes": [{"field": "Value", "before": f"{week}", "after": f"{week + 1}"}]},
        )
        for week in range(1, 105)
    )
