"""When a patient's due date changes: remember since when the new one is known, and withdraw what the old one caused.

Called in the transaction that changes the date, so the record and the withdrawal commit (or roll back) with it.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile

from . import kinds
from .models import EmailStatus, Notification, Reminder, ReminderDueDate


def due_date_changed(
    patient: PatientProfile,
    kind: kinds.ReminderKind,
    due_on: dt.date | None,
    at: dt.datetime | None = None,
    *,
    course_id: int | None = None,
) -> None:
    """`patient`'s due date for `kind` (for a per-course kind: of the course `course_id`) is now `due_on` (None: no
    date any more), as of `at`."""
    at = at or timezone.now()
    rows = ReminderDueDate.objects.filter(patient=patient, kind=kind.key, course_id=course_id)
    if due_on is None:
        rows.delete()
    elif not rows.exclude(due_on=due_on).update(due_on=due_on, known_since=at):
        # No row yet (or already this date, whose `known_since` stays as it was).
        ReminderDueDate.objects.bulk_create(
            [ReminderDueDate(patient=patient, course_id=course_id, kind=kind.key, due_on=due_on, known_since=at)],
            ignore_conflicts=True,
        )
    superseded = Reminder.objects.filter(patient=patient, kind=kind.key, course_id=course_id)
    if due_on is not None:
        superseded = superseded.exclude(due_on=due_on)
    # The send task checks the due date again under its row lock; this only keeps the outbox from retrying them.
    superseded.filter(email_status=EmailStatus.PENDING).update(email_status=EmailStatus.SUPERSEDED, email_queued_at=None)
    Notification.objects.filter(reminder__in=superseded, withdrawn_at__isnull=True).update(withdrawn_at=at)


def withdraw_superseded(kind: kinds.ReminderKind, patient_ids: list[int], at: dt.datetime) -> int:
    """Withdraw the notifications of `kind` for these patients whose due date is no longer the current one.

    The sweep runs this for the patients it was asked about (after a due date change): a notification a concurrent
    sweep recorded for the old date just before the change committed is withdrawn here.
    """
    notes = Notification.objects.filter(reminder__patient_id__in=patient_ids, reminder__kind=kind.key, withdrawn_at__isnull=True)
    if kind.per_course:
        current = Q(pk__in=[])
        for course_id, (_, due_on) in kind.course_due_dates(patient_ids, at).items():
            current |= Q(reminder__course_id=course_id, reminder__due_on=due_on)
        return notes.exclude(current).update(withdrawn_at=at)
    current = kind.due_dates(PatientProfile.objects.filter(pk=OuterRef("reminder__patient_id"))).filter(
        due_on=OuterRef("reminder__due_on")
    )
    return notes.exclude(Exists(current)).update(withdrawn_at=at)
