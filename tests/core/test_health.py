"""/healthz: database, Redis, a Celery worker and beat's heartbeat; 200 when all are up, 503 otherwise."""

import datetime as dt

import pytest
from django.utils import timezone

from bonetrack.core.models import Heartbeat
from tests.core.conftest import _spare_port

pytestmark = pytest.mark.integration


def _fresh_beat(seconds_ago: int = 5) -> Heartbeat:
    return Heartbeat.objects.create(name="beat", last_seen=timezone.now() - dt.timedelta(seconds=seconds_ago))


@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_when_every_part_is_up(client, celery_worker_thread):
    _fresh_beat()
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker", "beat"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["worker"]["workers"] == 1
    assert 0 <= body["checks"]["beat"]["age_seconds"] <= 60
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_is_503_naming_redis_when_redis_is_down(client, settings):
    down = f"redis://127.0.0.1:{_spare_port()}/0"  # nothing listens there
    settings.REDIS_URL = down
    from tests.core.conftest import celery_broker

    _fresh_beat()
    with celery_broker(down):
        response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert response.json()["status"] == "degraded"
    assert checks["redis"] == {"ok": False, "error": "ConnectionError"}
    assert checks["worker"] == {"ok": False, "error": "broker unavailable"}
    assert checks["database"] == {"ok": True}
    assert checks["beat"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_beat_is_stale(client, redis_url, settings):
    _fresh_beat(seconds_ago=settings.BEAT_STALE_AFTER_SECONDS + 60)
    body = client.get("/healthz").json()
    assert body["checks"]["redis"] == {"ok": True}
    assert body["checks"]["beat"]["ok"] is False
    # Redis is up but nothing consumes from it.
    assert body["checks"]["worker"] == {"ok": False, "workers": 0}
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_healthz_needs_no_login_and_shows_no_patient_data(client, patient):
    response = client.get("/healthz")
    assert response.status_code == 503  # no worker or beat in this test
    text = response.content.decode()
    assert patient.user.email not in text
    assert patient.user.last_name not in text
    assert set(response.json()) == {"status", "checks"}
