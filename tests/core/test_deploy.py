"""Production configuration: `check --deploy` is clean and collectstatic builds WhiteNoise's compressed manifest."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in ("SESSION_IDLE_MINUTES", "EMAIL_URL")
    }
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "bonetrack.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "bonetrack.example.org",
        }
        | extra
    )


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_check_deploy_has_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_collectstatic_builds_a_compressed_manifest(tmp_path):
    result = _manage("collectstatic", "--no-input", env=_production_env(DJANGO_STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "css/bonetrack.css",
        "js/app.js",
        "js/charts.js",
        "vendor/plotly-basic-4.1.1.min.js",
        "django_htmx/htmx-2.min.js",  # htmx itself comes from django-htmx, not a CDN
    ):
        hashed = manifest[name]
        assert hashed != name  # content-hashed name, cacheable forever
        assert (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()
