"""Concurrent writers on the configured database: no request or background write may fail with "database is locked".

`make run` serves requests from several threads and runs a Celery worker and beat next to them, all on one SQLite
file; each request is a transaction (ATOMIC_REQUESTS). Here eight threads save scans, or sign up and then sign in
and out, while a ninth records beat's heartbeat as fast as it can. On SQLite the threads use a file copy of the test database
(an in-memory database has no file locking to contend for); on PostgreSQL they share the test database.
"""

import datetime as dt
import sqlite3
import threading
import time

import pytest
from celery import Task
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from bonetrack.accounts.models import User
from bonetrack.core.models import Heartbeat
from bonetrack.core.tasks import record_beat_heartbeat_task
from dexa.models import DexaScan
from tests.factories import PASSWORD, PatientFactory

SCAN_THREADS = 4
SIGN_IN_THREADS = 4
SCANS_EACH = 12
SIGN_INS_EACH = 12


class SharedDatabase:
    """The database other threads write to, and a row count of it."""

    def __init__(self, path=None):
        self.path = path

    def publish(self) -> None:
        """Make the rows created so far in this thread visible to the others (SQLite: copy them into the file)."""
        if self.path is not None:
            with sqlite3.connect(self.path) as copy:
                connection.connection.backup(copy)

    def count(self, model) -> int:
        if self.path is None:
            return model.objects.count()
        with sqlite3.connect(self.path) as db:
            return db.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}").fetchone()[0]  # noqa: S608 - a model's table


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    if connection.vendor != "sqlite":
        yield SharedDatabase()
        return
    connection.ensure_connection()
    # Connections are per thread and built from these settings when first used; the main thread keeps its own.
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(tmp_path / "concurrent.sqlite3")
    try:
        yield SharedDatabase(settings_dict["NAME"])
    finally:
        settings_dict["NAME"] = original


def _scan_data(day: dt.date) -> dict:
    return {
        "scanned_on": day.isoformat(),
        "new_facility": "Riverside Imaging",
        "make": "hologic",
        "model": "Horizon A",
        "lumbar_spine-bmd": "0.850",
        "lumbar_spine-t_score": "-1.8",
    }


def _signup_data(email: str) -> dict:
    return {
        "email": email,
        "first_name": "Nell",
        "last_name": "Pryce",
        "date_of_birth": "1960-02-03",
        "sex": "female",
        "menopausal_status": "post",
        "time_zone": "UTC",
        "password1": "a-long-sign-up-password",
        "password2": "a-long-sign-up-password",
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_and_worker_writes_never_fail(shared_database, settings, monkeypatch):
    # Dozens of sign-ins from one address within a minute would meet allauth's rate limit: not what is tested here.
    settings.ACCOUNT_RATE_LIMITS = False
    # There is no broker here: publishing the follow-up tasks of a saved scan would only wait for its retries.
    monkeypatch.setattr(Task, "apply_async", lambda self, *args, **kwargs: None)
    scan_patients = [PatientFactory() for _ in range(SCAN_THREADS)]
    sign_in_patients = [PatientFactory() for _ in range(SIGN_IN_THREADS)]
    shared_database.publish()
    errors: list[str] = []
    start = threading.Barrier(SCAN_THREADS + SIGN_IN_THREADS + 1)
    requests_done = threading.Event()

    def run(work):
        try:
            start.wait()
            work()
        except Exception as error:  # every failure is a finding, whatever its type
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    def save_scans(patient):
        client = Client()
        client.force_login(patient.user)
        url = reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})
        for n in range(SCANS_EACH):
            response = client.post(url, _scan_data(dt.date(2010, 1, 1) + dt.timedelta(days=30 * n)))
            if response.status_code != 302:
                errors.append(f"scan save answered {response.status_code}")

    def sign_up_then_sign_in_and_out(patient):
        client = Client()
        response = client.post(reverse("account_signup"), _signup_data(f"new.{patient.pk}@example.org"))
        if response.status_code != 302:
            errors.append(f"sign-up answered {response.status_code}")
        for _ in range(SIGN_INS_EACH):
            response = client.post(reverse("account_login"), {"login": patient.user.email, "password": PASSWORD})
            if response.status_code != 302:
                errors.append(f"sign-in answered {response.status_code}")
            client.post(reverse("account_logout"))

    def beat_and_worker():
        beats = 0
        while not requests_done.is_set():
            record_beat_heartbeat_task()
            beats += 1
            time.sleep(0.005)
        assert beats > 0

    workers = [threading.Thread(target=run, args=(lambda p=p: save_scans(p),)) for p in scan_patients]
    workers += [threading.Thread(target=run, args=(lambda p=p: sign_up_then_sign_in_and_out(p),)) for p in sign_in_patients]
    beat = threading.Thread(target=run, args=(beat_and_worker,))
    for thread in [*workers, beat]:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    requests_done.set()
    beat.join(timeout=30)

    assert not any(thread.is_alive() for thread in [*workers, beat]), "a thread did not finish"
    assert errors == []
    assert shared_database.count(DexaScan) == SCAN_THREADS * SCANS_EACH
    assert shared_database.count(Heartbeat) == 1
    assert shared_database.count(User) == SCAN_THREADS + 2 * SIGN_IN_THREADS
