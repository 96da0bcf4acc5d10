"""`make run`'s process runner: everything comes up healthy, and SIGINT stops every process it started."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.core.conftest import _spare_port

BASE_DIR = Path(__file__).resolve().parents[2]


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}


@pytest.mark.integration
def test_devrun_starts_every_part_and_sigint_stops_them_all(tmp_path):
    web_port, redis_port = _spare_port(), _spare_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL") and not key.startswith("PYTEST_")
    } | {
        "DJANGO_SETTINGS_MODULE": "bonetrack.settings",
        "DJANGO_DEBUG": "true",
        "BONETRACK_VAR_DIR": str(tmp_path),
        "PORT": str(web_port),
        "EMBEDDED_REDIS_PORT": str(redis_port),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=300)
    runner = subprocess.Popen(
        [sys.executable, "-m", "bonetrack.devrun"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        status, body = 0, {}
        while time.monotonic() < deadline and runner.poll() is None:
            status, body = _health(web_port)
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, body
        assert all(check["ok"] for check in body["checks"].values())
        children = psutil.Process(runner.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in children)
        for part in ("redis-server", "worker", "beat", "runserver"):
            assert part in names, f"{part} not running: {names}"
    finally:
        children = psutil.Process(runner.pid).children(recursive=True) if runner.poll() is None else []
        runner.send_signal(signal.SIGINT)
        output, _ = runner.communicate(timeout=90)

    assert runner.returncode == 0, output[-3000:]
    assert f"BoneTrack is running on http://127.0.0.1:{web_port}/" in output
    assert "patient@example.com" in output
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, [process.cmdline() for process in alive]
    assert _health(web_port)[0] == 0  # nothing answers any more
