import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import FractureFactory

BASE_DIR = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)=", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.fixture
def pages(client, patient, clinician):
    FractureFactory(patient=patient)
    client.force_login(clinician)
    return [
        reverse("clinic:worklist"),
        reverse("clinic:timeline", kwargs={"patient_id": patient.pk}),
        reverse("clinic:note-add", kwargs={"patient_id": patient.pk}),
        reverse("clinic:scan-interval", kwargs={"patient_id": patient.pk}),
        reverse("careteams:access-log", kwargs={"patient_id": patient.pk}),
    ]


def test_pages_carry_a_strict_content_security_policy(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), f"{url}: inline script"
        assert not INLINE_HANDLER.search(body), f"{url}: inline event handler"


def test_anonymous_pages_carry_it_too(client, db):
    response = client.get(reverse("account_login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _production_settings() -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-that-is-long-enough-0123456789",
        "DJANGO_ALLOWED_HOSTS": "bonetrack.example.org",
        "DJANGO_SETTINGS_MODULE": "bonetrack.settings",
    }
    for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_HSTS_SECONDS"):
        env.pop(name, None)
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_HTTPONLY', "
        "'BONETRACK_REQUIRE_MFA')}))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_enable_secure_cookies_hsts_and_mfa():
    prod = _production_settings()
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000 and prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["BONETRACK_REQUIRE_MFA"] is True


def test_diffsettings_reports_hsts_with_debug_off():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-that-is-long-enough-0123456789",
        "DJANGO_ALLOWED_HOSTS": "bonetrack.example.org",
    }
    env.pop("DJANGO_HSTS_SECONDS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "diffsettings"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "SECURE_HSTS_SECONDS = 31536000" in result.stdout
    assert "SESSION_COOKIE_SECURE = True" in result.stdout
    assert "CSRF_COOKIE_SECURE = True" in result.stdout
