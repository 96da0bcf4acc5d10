"""Demo changes to the main demo patient's record, matching what the other demo modules stored: her clinician
verified each of her scans and set her stricter treatment goal. Idempotent: nothing is added once she has any."""

import datetime as dt

from dexa.models import DexaScan
from dexa.services import goal_text, scan_date_text

from ..events import record_event
from ..models import RecordEvent

ORDER = 95  # after the scans (dexa, 10) and the goal they carry


def seed(demo) -> None:
    patient = demo.patient
    if RecordEvent.objects.filter(patient=patient).exists():
        return
    scans = list(DexaScan.objects.filter(patient=patient, verified_by__isnull=False).select_related("verified_by"))
    for scan in sorted(scans, key=lambda scan: scan.scanned_on):
        record_event(
            patient,
            "scan_verified",
            by=scan.verified_by,
            summary=f"The scan of {scan_date_text(scan)} was checked against its report.",
            details={"changes": [{"field": "Verified", "before": "No", "after": "Yes"}]},
            at=scan.verified_at,
        )
    if patient.goal_t_score is not None:
        changes = [
            {"field": "Goal", "before": goal_text(None), "after": goal_text(patient.goal_t_score)},
            {"field": "Reason", "before": "", "after": patient.goal_reason},
        ]
        set_at = max(scan.verified_at for scan in scans) + dt.timedelta(minutes=5) if scans else None
        summary = "A new bone density goal was set."
        record_event(patient, "goal_changed", by=patient.goal_set_by, summary=summary, details={"changes": changes}, at=set_at)
