"""Argon2 password hashing and the idle-session timeout (SESSION_IDLE_MINUTES)."""

import datetime as dt
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PatientFactory

BASE_DIR = Path(__file__).resolve().parents[2]
project_settings = importlib.import_module("bonetrack.settings")


def test_argon2_is_the_default_hasher():
    # The suite swaps in a fast hasher (tests/conftest.py); the project's own setting is Argon2.
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        encoded = make_password("femur-lattice-stride-42")
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("femur-lattice-stride-42", encoded)
        assert not check_password("femur-lattice-stride-43", encoded)


def test_sessions_end_after_30_idle_minutes_by_default():
    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    assert project_settings.SESSION_REFRESH_SECONDS == 60
    assert "bonetrack.core.middleware.IdleSessionMiddleware" in project_settings.MIDDLEWARE


def _setting_with_env(name: str, **env) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bonetrack.settings", "DJANGO_DEBUG": "true", **env}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_idle_timeout_is_configurable():
    assert _setting_with_env("SESSION_COOKIE_AGE", SESSION_IDLE_MINUTES="45") == str(45 * 60)


@pytest.mark.django_db
def test_each_request_pushes_the_expiry_back_and_an_idle_session_ends(client, settings):
    patient = PatientFactory()
    client.force_login(patient.user)
    dashboard = reverse("dashboard:patient-dashboard", args=[patient.pk])
    assert client.get(dashboard).status_code == 200

    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    # A request within the refresh interval writes nothing; one after it pushes the expiry back.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(dashboard).status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date < timezone.now() + dt.timedelta(minutes=6)
    stale = client.session
    stale["_bonetrack_touched"] -= settings.SESSION_REFRESH_SECONDS
    stale.save()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(dashboard).status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date > timezone.now() + dt.timedelta(minutes=29)

    # Once the idle limit has passed, the next request finds the session gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
