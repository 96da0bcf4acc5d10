"""End to end through real parts: task → Redis → a Celery worker → a database row."""

import time

import pytest
from django.db import OperationalError, transaction

from bonetrack.core.enqueue import enqueue_on_commit
from bonetrack.core.models import Heartbeat
from bonetrack.core.tasks import record_beat_heartbeat_task


def _wait_for(condition, timeout: float = 15.0) -> bool:
    """Poll ``condition`` until it holds.

    On SQLite the test database is in memory with a shared cache, where a
    writer on the worker's thread locks the whole table and a reader gets
    "database table is locked" at once (the busy timeout does not apply to
    shared-cache locks). Such a read is simply tried again on the next poll.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError as error:
            if "locked" not in str(error):
                raise
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
    first = _read(lambda: Heartbeat.objects.get(name="beat").last_seen)

    # Idempotent: running it again moves the same row's timestamp forward.
    record_beat_heartbeat_task.delay()
    assert _wait_for(lambda: Heartbeat.objects.get(name="beat").last_seen > first)
    assert _read(Heartbeat.objects.count) == 1


def _read(query):
    """Run one read, retrying while the worker's write holds SQLite's table lock."""
    result = []
    assert _wait_for(lambda: result.append(query()) or True)
    return result[0]
