"""`scan_due_date_changed`: what the DEXA app calls when a patient's next scan date moves."""

import datetime as dt

import pytest
from django.utils import timezone

from bonetrack.reminders import services
from bonetrack.reminders.models import EmailStatus, Notification, Reminder, ReminderDueDate
from bonetrack.reminders.services import scan_due_date_changed
from bonetrack.reminders.sweep import sweep
from tests.factories import PatientFactory

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture
def enqueued(monkeypatch):
    """(task name, args) of what would be published after commit."""
    calls = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args: calls.append((task.name, args)))
    return calls


@pytest.fixture
def reminded(db):
    """A patient whose scan is due in 20 days, with the "30 days before" reminder recorded and its email pending."""
    patient = PatientFactory(next_scan_due_on=TODAY + dt.timedelta(days=20))
    sweep(NOW, enqueue=False)
    reminder = Reminder.objects.get(patient=patient)
    assert reminder.email_status == EmailStatus.PENDING and reminder.notifications.get().withdrawn_at is None
    return reminder


def test_a_new_date_is_recorded_the_old_ones_withdrawn_and_the_patient_swept_after_commit(reminded, enqueued):
    patient, new_due = reminded.patient, TODAY + dt.timedelta(days=400)
    before = timezone.now()
    scan_due_date_changed(patient=patient, due_on=new_due)
    row = ReminderDueDate.objects.get(patient=patient)
    assert (row.kind, row.due_on) == ("scan_due", new_due) and row.known_since >= before
    reminded.refresh_from_db()
    assert reminded.email_status == EmailStatus.SUPERSEDED
    assert Notification.objects.get(reminder=reminded).withdrawn_at is not None
    assert enqueued == [("reminders.sweep_reminders", ([patient.pk],))]


def test_the_current_date_again_keeps_its_reminders(reminded, enqueued):
    scan_due_date_changed(patient=reminded.patient, due_on=reminded.due_on)
    reminded.refresh_from_db()
    assert reminded.email_status == EmailStatus.PENDING
    assert Notification.objects.get(reminder=reminded).withdrawn_at is None
    assert ReminderDueDate.objects.get(patient=reminded.patient).due_on == reminded.due_on


def test_no_date_any_more_forgets_it_and_still_sweeps_the_patient(reminded, enqueued):
    patient = reminded.patient
    scan_due_date_changed(patient=patient, due_on=TODAY + dt.timedelta(days=400))
    scan_due_date_changed(patient=patient, due_on=None)
    assert not ReminderDueDate.objects.filter(patient=patient).exists()
    assert Notification.objects.get(reminder=reminded).withdrawn_at is not None
    # The sweep also withdraws what a concurrent sweep recorded for the old date just before the change committed.
    assert enqueued == [("reminders.sweep_reminders", ([patient.pk],))] * 2


def test_the_sweep_is_published_only_once_the_transaction_commits(db, django_capture_on_commit_callbacks, monkeypatch):
    published = []
    monkeypatch.setattr(services.sweep_reminders_task, "apply_async", lambda **kwargs: published.append(kwargs))
    patient = PatientFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scan_due_date_changed(patient=patient, due_on=TODAY)
        assert published == []
    assert len(callbacks) == 1
    assert published == [{"args": ([patient.pk],), "kwargs": {}}]
