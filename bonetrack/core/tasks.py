from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="core.record_beat_heartbeat")
def record_beat_heartbeat_task() -> None:
    """Record that beat (and a worker) ran. Idempotent: it only moves a timestamp forward."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"last_seen": timezone.now()})
