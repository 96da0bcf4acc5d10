"""Reminders on the clinician's patient timeline (contract: bonetrack/core/worklist.py)."""

import datetime as dt

from bonetrack.core.date_display import format_day
from bonetrack.core.worklist import TimelineEvent

from .models import EmailStatus, Reminder

KINDS = {"reminder": "Reminders sent"}

_EMAIL_BADGE = {
    EmailStatus.SENT: ("Email sent", "ok"),
    EmailStatus.PENDING: ("Email sending", "warning"),
    EmailStatus.SKIPPED: ("Email off", "muted"),
    EmailStatus.SUPERSEDED: ("Email not sent: out of date", "muted"),
}


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """At most `limit` reminders recorded strictly before `before`, newest first, in one query."""
    if "reminder" not in kinds or limit <= 0:
        return []
    reminders = Reminder.objects.for_patient(patient)
    if before is not None:
        reminders = reminders.filter(created_at__lt=before)
    from django.urls import reverse

    url = reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})
    return [
        TimelineEvent(
            when=r.created_at,
            kind="reminder",
            title=f"{r.kind_label} reminder: {r.stage_label.lower()}",
            body=f"Due {format_day(r.due_on)}.",
            badges=(_EMAIL_BADGE[r.email_status],),
            url=url,
            extra={"stage": r.stage, "due_on": r.due_on.isoformat()},
        )
        for r in reminders.order_by("-created_at", "-pk")[:limit]
    ]
