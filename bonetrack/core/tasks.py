from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .models import Heartbeat


# A database that is busy for longer than its timeout (SQLite with several writers) is tried again shortly.
@shared_task(
    name="core.record_beat_heartbeat", autoretry_for=(OperationalError,), retry_backoff=1, retry_backoff_max=8, max_retries=5
)
def record_beat_heartbeat_task() -> None:
    """Record that beat (and a worker) ran. Idempotent: it only moves a timestamp forward."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_seen": timezone.now()})
