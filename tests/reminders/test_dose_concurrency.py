"""Two sweeps at the same moment on PostgreSQL record each dose reminder (and each late-dose notice) once."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.models import DoseLateNotice, Notification, NotificationPreference, Reminder
from bonetrack.reminders.sweep import sweep
from tests.factories import CourseFactory, DoseFactory, MembershipFactory, PatientFactory

from .test_concurrency import run_together

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers (ON CONFLICT against the partial unique indexes): PostgreSQL only; "
    "CI's second run sets DATABASE_URL.",
)

NOW = dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC)


def test_two_sweeps_at_once_record_each_dose_reminder_and_late_notice_once(transactional_db, monkeypatch):
    clinic, self_given = [], []
    for i in range(60):
        patient = PatientFactory()
        MembershipFactory(patient=patient)
        # Two clinic-given courses per patient: due today, and a denosumab dose a month late (care-team notice).
        zoledronic = CourseFactory(patient=patient, regimen_slug="zoledronic-acid-5mg-iv-yearly", started_on=NOW.date())
        denosumab = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2025, 5, 1))
        DoseFactory(course=denosumab, on=dt.date(2025, 5, 1))
        clinic += [zoledronic.pk, denosumab.pk]
        if i % 2:
            NotificationPreference.objects.create(user=patient.user, dose_email=True)
            self_given.append(CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=NOW.date()).pk)
    published: list[int] = []
    lock = threading.Lock()

    def record(task, ids):
        with lock:
            published.extend(ids)

    monkeypatch.setattr(sweep_module, "enqueue_on_commit", record)
    results = run_together(lambda: sweep(NOW, batch_size=25))
    assert sum(stats.recorded for stats in results) == 150
    assert Counter(Reminder.objects.values_list("course_id", flat=True)) == Counter(clinic + self_given)
    assert Notification.objects.filter(reminder__isnull=False).count() == 150
    assert DoseLateNotice.objects.count() == 60
    assert Notification.objects.filter(reminder__isnull=True).count() == 60  # one clinician per patient, told once
    assert sorted(published) == sorted(Reminder.objects.filter(email_status="pending").values_list("pk", flat=True))
