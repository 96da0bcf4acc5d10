"""When a patient's due date (or the care team's interval) changes, sweep that patient right after commit,
so in-app reminders follow at once instead of at the next periodic sweep. Broker down: the periodic sweep catches up.

A changed due date is also recorded with its moment (in the saving transaction): stages that passed before it are
never sent, and the old date's notifications are withdrawn.
"""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.enqueue import enqueue_on_commit

from . import kinds
from .due_dates import due_date_changed

WATCHED = ("next_scan_due_on", "scan_interval_months")


def _snapshot(instance) -> tuple:
    return tuple(instance.__dict__.get(name) for name in WATCHED)


@receiver(post_init, sender=PatientProfile)
def remember_due_date(sender, instance, **kwargs):
    instance._reminder_snapshot = _snapshot(instance)


@receiver(post_save, sender=PatientProfile)
def sweep_on_due_date_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_reminder_snapshot", None)
    now = _snapshot(instance)
    instance._reminder_snapshot = now
    if before is not None and before[0] != now[0]:
        due_date_changed(instance, kinds.SCAN_DUE, instance.next_scan_due_on)
    if before != now and instance.next_scan_due_on is not None:
        from .tasks import sweep_reminders_task

        enqueue_on_commit(sweep_reminders_task, [instance.pk])
