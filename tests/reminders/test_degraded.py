"""Redis down: pages still load and save, publishing gives up quickly, /healthz says what is down."""

import datetime as dt
import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile
from bonetrack.reminders.models import Reminder
from bonetrack.reminders.sweep import sweep

from .conftest import celery_broker, free_port, move_due_date


@pytest.fixture
def dead_redis(settings):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.REDIS_URL = url
    with celery_broker(url):
        yield url


def test_a_page_that_enqueues_saves_and_answers_quickly_without_redis(
    dead_redis, clinician_client, patient, django_capture_on_commit_callbacks, caplog
):
    move_due_date(patient, dt.date.today() + dt.timedelta(days=300))
    url = reverse("clinic:scan-interval", kwargs={"patient_id": patient.pk})
    data = {"scan_interval_months": 24}
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = clinician_client.post(url, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert PatientProfile.objects.get(pk=patient.pk).scan_interval_months == 24
    assert len(callbacks) == 1  # the reminder sweep for this patient, which could not be published
    assert "Broker unavailable (" in caplog.text
    assert "reminders.sweep_reminders will be picked up by the next sweep" in caplog.text
    assert elapsed < 3.0


def test_healthz_reports_redis_down_and_reminders_still_record(dead_redis, client, patient):
    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert response.status_code == 503 and body["status"] == "degraded"
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["database"]["ok"] is True
    # The sweep (run by beat once Redis is back) records in-app reminders without the broker. The date is set
    # today and already due, so its reminder is the overdue notice of the next morning.
    move_due_date(patient, dt.date.today() - dt.timedelta(days=1))
    assert sweep(timezone.now() + dt.timedelta(days=1)).recorded == 1
    assert Reminder.objects.get().notifications.count() == 1
