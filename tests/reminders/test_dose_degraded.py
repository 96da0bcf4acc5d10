"""The fault test for dose reminders: the broker (a disposable Redis) stops in the middle of a sweep and comes back
empty. Every reminder is still recorded once with its in-app notification, the outbox re-publishes each lost email
once, and sending what the broker holds delivers each email exactly once."""

import base64
import datetime as dt
import json
from collections import Counter

import pytest
import redis
from django.core import mail

from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.delivery import send_reminder_emails
from bonetrack.reminders.models import EmailStatus, Notification, Reminder
from bonetrack.reminders.sweep import sweep
from tests.factories import CourseFactory, DoseFactory, PatientFactory

from .conftest import celery_broker

DUE = dt.date(2025, 11, 1)
NOW = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.UTC)


def published_ids(url: str) -> list[int]:
    """The reminder ids in the send tasks waiting in the broker's default queue."""
    client = redis.Redis.from_url(url)
    ids = []
    for raw in client.lrange("celery", 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] == "reminders.send_reminder_emails":
            args = json.loads(base64.b64decode(message["body"]))[0]
            ids.extend(args[0])
    return ids


@pytest.fixture
def broker(disposable_redis):
    with celery_broker(disposable_redis.url):
        yield disposable_redis


def test_broker_stops_mid_sweep_and_each_dose_reminder_arrives_once(
    db, broker, monkeypatch, settings, django_capture_on_commit_callbacks, caplog
):
    settings.REMINDERS_REQUEUE_AFTER_SECONDS = 60
    patients = []
    for _ in range(30):
        patient = PatientFactory()
        course = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2025, 5, 1))
        DoseFactory(course=course, on=dt.date(2025, 5, 1))  # the next dose is due on DUE
        patients.append(patient)
    real_record = sweep_module._record_batch
    batches = []

    def record_then_stop_the_broker(*args, **kwargs):
        real_record(*args, **kwargs)
        batches.append(1)
        if len(batches) == 2:
            broker.stop()  # the broker goes away mid-sweep, losing what it held

    monkeypatch.setattr(sweep_module, "_record_batch", record_then_stop_the_broker)
    with django_capture_on_commit_callbacks(execute=True):
        stats = sweep(NOW, batch_size=10)
    assert stats.batches == 3 and stats.recorded == 30  # the database kept every decision
    assert Notification.objects.count() == 30  # in-app needs no broker
    assert Reminder.objects.filter(email_status=EmailStatus.PENDING).count() == 30
    assert "Broker unavailable (" in caplog.text  # the third batch could not publish

    broker.start()  # back, empty
    assert published_ids(broker.url) == []
    monkeypatch.setattr(sweep_module, "_record_batch", real_record)
    with django_capture_on_commit_callbacks(execute=True):
        again = sweep(NOW + dt.timedelta(minutes=2))
    assert again.recorded == 0 and again.requeued == 30
    ids = published_ids(broker.url)
    assert Counter(ids) == Counter(Reminder.objects.values_list("pk", flat=True))  # each re-published once
    # Within the grace period nothing is published again.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(NOW + dt.timedelta(minutes=2, seconds=30)).requeued == 0
    assert len(published_ids(broker.url)) == 30

    # A worker takes the tasks (twice over, as a redelivery would): each email goes out once.
    send_reminder_emails(ids, NOW + dt.timedelta(minutes=3))
    send_reminder_emails(ids, NOW + dt.timedelta(minutes=3))
    assert Counter(m.to[0] for m in mail.outbox) == Counter(p.user.email for p in patients)
    assert not Reminder.objects.exclude(email_status=EmailStatus.SENT).exists()
    assert Reminder.objects.filter(course__isnull=False, kind="dose_clinic", due_on=DUE, stage=0).count() == 30
