"""Two sweeps (and duplicate send tasks) at the same moment on PostgreSQL: exactly one message per stage."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections

from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.delivery import send_reminder_emails
from bonetrack.reminders.models import Notification, Reminder
from bonetrack.reminders.sweep import sweep
from tests.factories import PatientFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks and concurrent writers (SELECT ... FOR UPDATE SKIP LOCKED, ON CONFLICT): PostgreSQL only; "
    "CI's second run sets DATABASE_URL.",
)

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def run_together(target, count: int = 2) -> list:
    """Run `target` in `count` threads released at the same instant; return their results, re-raising errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_two_sweeps_at_once_record_and_publish_each_stage_once(transactional_db, monkeypatch):
    patients = [PatientFactory(next_scan_due_on=NOW.date() - dt.timedelta(days=i % 100)) for i in range(200)]
    published: list[int] = []
    lock = threading.Lock()

    def record(task, ids):
        with lock:
            published.extend(ids)

    monkeypatch.setattr(sweep_module, "enqueue_on_commit", record)
    results = run_together(lambda: sweep(NOW, batch_size=25))
    assert sum(stats.recorded for stats in results) == 200
    assert Reminder.objects.count() == 200
    assert Notification.objects.count() == 200
    assert Counter(Notification.objects.values_list("recipient_id", flat=True)) == Counter(p.user_id for p in patients)
    assert sorted(published) == sorted(Reminder.objects.values_list("pk", flat=True))  # each email published once


def test_duplicate_send_tasks_at_once_send_each_email_once(transactional_db):
    for _ in range(30):
        PatientFactory(next_scan_due_on=NOW.date())
    sweep(NOW, enqueue=False)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    outcomes = run_together(lambda: send_reminder_emails(ids, NOW), count=3)
    assert len(mail.outbox) == 30
    assert len({m.to[0] for m in mail.outbox}) == 30
    sent = Counter(outcome for result in outcomes for outcome in result.values())
    assert sent["sent"] == 30 and sent["not-pending"] == 60
