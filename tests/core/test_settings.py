"""bonetrack.settings reads the environment and nothing else: not whether pytest is imported."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SHOWN = (
    "DEBUG",
    "STORAGES",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


def _settings(*, first: str = "", **environment) -> dict:
    """The settings a fresh process sees in a production environment plus `environment`, after running `first`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_", "EMAIL_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bonetrack.settings",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-that-is-long-enough-0123456789",
        "DJANGO_ALLOWED_HOSTS": "bonetrack.example.org",
        **environment,
    }
    code = (
        f"{first}\nimport json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {SHOWN!r}}}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_pytest_changes_no_setting():
    plain = _settings()
    assert _settings(first="import pytest") == plain
    assert plain["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert plain["SESSION_COOKIE_SECURE"] is True and plain["SECURE_SSL_REDIRECT"] is True


def test_email_url_sets_each_smtp_setting():
    shown = _settings(EMAIL_URL="smtp+tls://mailer:se%40cret@smtp.example.org:587")
    assert shown["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (shown["EMAIL_HOST"], shown["EMAIL_PORT"]) == ("smtp.example.org", 587)
    assert (shown["EMAIL_HOST_USER"], shown["EMAIL_HOST_PASSWORD"]) == ("mailer", "se@cret")
    assert (shown["EMAIL_USE_TLS"], shown["EMAIL_USE_SSL"]) == (True, False)


def test_email_url_with_implicit_tls_and_no_login():
    shown = _settings(EMAIL_URL="smtp+ssl://smtp.example.org:465")
    assert (shown["EMAIL_HOST"], shown["EMAIL_PORT"]) == ("smtp.example.org", 465)
    assert (shown["EMAIL_HOST_USER"], shown["EMAIL_HOST_PASSWORD"]) == ("", "")
    assert (shown["EMAIL_USE_TLS"], shown["EMAIL_USE_SSL"]) == (False, True)


def test_without_email_url_mail_goes_to_the_console():
    assert _settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
