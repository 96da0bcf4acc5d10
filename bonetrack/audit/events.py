"""Events on a patient's record for the clinician's timeline: one explicit call by the service that made the change."""

from django.utils import timezone

from .models import RecordEvent

# kind → the timeline's label for it. Services pass one of these kinds; `record_event` refuses others.
EVENT_KINDS = {
    "scan_verified": "Scan verified",
    "scan_corrected": "Scan corrected",
    "report_attached": "Scan report attached",
    "report_removed": "Scan report removed",
    "targets_changed": "Nutrient targets changed",
    "scan_interval_changed": "Scan interval changed",
    "goal_changed": "Treatment goal changed",
    "care_team_invited": "Care team invitation",
    "care_team_joined": "Joined the care team",
    "care_team_left": "Left the care team",
    "care_team_revoked": "Care team access revoked",
    "note_edited": "Clinical note edited",
}


def record_event(patient, kind: str, *, by, summary: str, details: dict | None = None, at=None) -> RecordEvent:
    """Add an event to the patient's record (call it inside the transaction of the change it describes)."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"Unknown record event kind {kind!r}.")
    return RecordEvent.objects.create(
        patient=patient,
        kind=kind,
        actor=by if getattr(by, "pk", None) else None,
        occurred_at=at or timezone.now(),
        summary=summary[:300],
        details=details or {},
    )
