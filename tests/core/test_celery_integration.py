"""End to end through real parts: task → Redis → a Celery worker → a database row."""

import time

import pytest
from django.db import transaction

from bonetrack.core.enqueue import enqueue_on_commit
from bonetrack.core.models import Heartbeat
from bonetrack.core.tasks import record_beat_heartbeat_task


def _wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_on_a_real_worker(celery_worker_thread):
    assert not Heartbeat.objects.exists()
    with transaction.atomic():
        enqueue_on_commit(record_beat_heartbeat_task)
        # Nothing is sent until the transaction commits.
        assert celery_worker_thread.app.connection_for_read().default_channel.client.llen("celery") == 0
    assert _wait_for(lambda: Heartbeat.objects.filter(name="beat").exists()), "the worker never recorded the heartbeat"
    first = Heartbeat.objects.get(name="beat").last_seen

    # Idempotent: running it again moves the same row's timestamp forward.
    record_beat_heartbeat_task.delay()
    assert _wait_for(lambda: Heartbeat.objects.get(name="beat").last_seen > first)
    assert Heartbeat.objects.count() == 1
