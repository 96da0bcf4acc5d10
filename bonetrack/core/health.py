"""Checks behind /healthz: database, Redis, a Celery worker, and beat's last run."""

import datetime as dt

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bonetrack.celery import app as celery_app

from .models import Heartbeat


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_redis() -> dict:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def check_worker() -> dict:
    replies = celery_app.control.ping(timeout=1.0)
    return {"ok": bool(replies), "workers": len(replies)}


def check_beat() -> dict:
    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return {"ok": False, "last_run": None}
    age = timezone.now() - beat.last_seen
    return {
        "ok": age <= dt.timedelta(seconds=settings.BEAT_STALE_AFTER_SECONDS),
        "last_run": beat.last_seen.isoformat(),
        "age_seconds": int(age.total_seconds()),
    }


CHECKS = {"database": check_database, "redis": check_redis, "worker": check_worker, "beat": check_beat}


def run_checks() -> dict[str, dict]:
    """Run every check; a check that raises is reported as down with the error's type."""
    results = {}
    redis_ok = True
    for name, check in CHECKS.items():
        if name == "worker" and not redis_ok:
            # Pinging workers needs the broker; don't wait on a dead one twice.
            results[name] = {"ok": False, "error": "broker unavailable"}
            continue
        try:
            results[name] = check()
        except Exception as exc:  # every failure mode is reported, none is fatal
            results[name] = {"ok": False, "error": type(exc).__name__}
        if name == "redis":
            redis_ok = results[name]["ok"]
    return results
