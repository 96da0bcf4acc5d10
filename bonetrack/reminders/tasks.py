"""Celery tasks: thin wrappers around sweep.py and delivery.py. They take ids only and are idempotent."""

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError as KombuOperationalError

from . import delivery, sweep

logger = logging.getLogger("bonetrack.reminders")

# Backoff stays far below Redis's visibility timeout (1 hour), so a waiting retry is never redelivered early.
RETRY_BACKOFF_MAX = 600


@shared_task(name="reminders.sweep_reminders", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_reminders_task(patient_ids: list[int] | None = None) -> dict:
    """Record every reminder stage that became current and publish its sends; re-publish the outbox."""
    stats = sweep.sweep(patient_ids=patient_ids)
    if stats.recorded or stats.requeued:
        logger.info("Reminder sweep: %s", stats)
    return {"recorded": stats.recorded, "requeued": stats.requeued, "batches": stats.batches}


@shared_task(name="reminders.send_clinician_digests", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_clinician_digests_task() -> int:
    """Record today's overdue digest for each clinician past 08:00 local time, and publish the emails."""
    return sweep.build_digests()


def backoff(retries: int) -> float:
    """Seconds before retry number `retries` + 1: 5, 10, 20, ... capped at 10 minutes."""
    base = getattr(settings, "REMINDERS_RETRY_BASE_SECONDS", 5)
    return min(RETRY_BACKOFF_MAX, base * 2 ** min(retries, 10))


def _send_task(send):
    def run(self, ids: list[int]) -> dict:
        try:
            return send(ids)
        except delivery.SendFailed as failure:
            # Retry only what failed; the rows stay pending in the meantime (the outbox also has them).
            countdown = backoff(self.request.retries)
            raise self.retry(args=(failure.failed_ids,), exc=failure, countdown=countdown) from failure

    return run


_SEND_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (*delivery.TRANSIENT_ERRORS, KombuOperationalError),
    "retry_backoff": 5,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": None,  # never dropped: a failed send stays pending and keeps being retried
}


@shared_task(name="reminders.send_reminder_emails", **_SEND_OPTIONS)
def send_reminder_emails_task(self, reminder_ids: list[int]) -> dict:
    """Send the pending reminder emails among `reminder_ids`, each exactly once."""
    return _send_task(delivery.send_reminder_emails)(self, reminder_ids)


@shared_task(name="reminders.send_digest_emails", **_SEND_OPTIONS)
def send_digest_emails_task(self, digest_ids: list[int]) -> dict:
    """Send the pending clinician digest emails among `digest_ids`, each exactly once."""
    return _send_task(delivery.send_digest_emails)(self, digest_ids)
