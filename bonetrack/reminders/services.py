"""What other apps tell the reminders: a patient's due date moved.

The app that owns a date calls this in the transaction that changes it (the DEXA app, from
`dexa.services.refresh_next_scan_due`), so the record and the withdrawal commit, or roll back, with the date.
"""

import datetime as dt

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.enqueue import enqueue_on_commit

from . import kinds
from .due_dates import due_date_changed
from .tasks import sweep_reminders_task


def scan_due_date_changed(*, patient: PatientProfile, due_on: dt.date | None) -> None:
    """The patient's next scan is now due on `due_on` (None: no date any more).

    Records since when the date is known (stages that passed before it are never sent), withdraws the old date's
    notifications and pending emails, and sweeps this patient after commit, so an in-app reminder that is now
    current appears at once rather than at the next periodic sweep. That sweep also withdraws what a concurrent
    sweep recorded for the old date just before this change committed. Broker down: the periodic sweep catches up.
    """
    due_date_changed(patient, kinds.SCAN_DUE, due_on)
    enqueue_on_commit(sweep_reminders_task, [patient.pk])
