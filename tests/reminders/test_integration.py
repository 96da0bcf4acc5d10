"""A real Celery worker and a real (disposable) Redis, sending through Django's email machinery.

Includes the fault test: the broker stops in the middle of a sweep and comes back empty; the next sweep's outbox
re-publishes whatever was lost, and every reminder arrives exactly once.
"""

import datetime as dt
import smtplib
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection

from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.models import EmailStatus, Notification, Reminder
from bonetrack.reminders.sweep import sweep
from tests.factories import PatientFactory

from .conftest import celery_broker, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the worker thread needs its own connection to the same database; SQLite's in-memory test database "
        "locks whole tables across connections. Runs on PostgreSQL (CI's second run).",
    ),
]



@pytest.fixture
def now():
    """The real moment, taken when the test starts: the worker sends at the real time, on the same day as the sweep."""
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def worker(disposable_redis, transactional_db, settings):
    settings.REMINDERS_RETRY_BASE_SECONDS = 0.2
    with (
        celery_broker(disposable_redis.url) as app,
        start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15) as running,
    ):
        yield running


def _patients(n: int) -> list:
    return [PatientFactory(next_scan_due_on=dt.datetime.now(dt.UTC).date()) for _ in range(n)]


def _all_sent():
    """every reminder email sent"""
    return not Reminder.objects.exclude(email_status=EmailStatus.SENT).exists()


def test_worker_sends_each_reminder_once_through_django_email(worker, now):
    patients = _patients(5)
    stats = sweep(now)
    assert stats.recorded == 5 and stats.emails_queued == 5
    wait_for(_all_sent, timeout=20)
    recipients = Counter(message.to[0] for message in mail.outbox)
    assert recipients == Counter(p.user.email for p in patients)
    assert all(message.alternatives[0][1] == "text/html" for message in mail.outbox)
    assert Notification.objects.count() == 5
    # Another sweep has nothing new to record and nothing stale to re-publish.
    assert sweep(now + dt.timedelta(minutes=1)).recorded == 0
    assert len(mail.outbox) == 5


def test_smtp_failure_is_retried_with_backoff_and_sent_once(worker, now, monkeypatch):
    (patient,) = _patients(1)
    real_send = EmailMultiAlternatives.send
    failures = []

    def flaky(self, *args, **kwargs):
        if not failures:
            failures.append(self.to)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    sweep(now)
    wait_for(_all_sent, timeout=20)
    assert failures == [[patient.user.email]]
    assert [m.to for m in mail.outbox] == [[patient.user.email]]
    assert Reminder.objects.get().email_attempts == 2


def test_broker_stops_mid_sweep_and_every_reminder_arrives_exactly_once(worker, now, disposable_redis, monkeypatch, settings):
    settings.REMINDERS_REQUEUE_AFTER_SECONDS = 60
    patients = _patients(40)
    real_record = sweep_module._record_batch
    batches = []

    def record_then_fail_broker(*args, **kwargs):
        real_record(*args, **kwargs)
        batches.append(1)
        if len(batches) == 2:
            disposable_redis.stop()  # the broker goes away (and loses every queued message) mid-sweep

    monkeypatch.setattr(sweep_module, "_record_batch", record_then_fail_broker)
    stats = sweep(now, batch_size=10)
    assert stats.batches == 4 and stats.recorded == 40  # the database kept every decision
    assert Notification.objects.count() == 40  # in-app needs no broker
    disposable_redis.start()  # back, empty
    # The next sweep (after the grace period) finds the pending ones and re-publishes them.
    later = now + dt.timedelta(minutes=2)
    assert sweep(later).recorded == 0
    wait_for(_all_sent, timeout=30)
    recipients = Counter(message.to[0] for message in mail.outbox)
    assert recipients == Counter(p.user.email for p in patients)  # each exactly once
    # And a further sweep sends nothing more.
    sweep(later + dt.timedelta(minutes=5))
    assert len(mail.outbox) == 40
