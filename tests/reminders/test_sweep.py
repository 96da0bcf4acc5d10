"""The sweep records each (patient, kind, due date, stage) once, set-based, and writes the in-app notification with it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.models import ClinicianDigest, EmailStatus, Notification, NotificationPreference, Reminder
from bonetrack.reminders.sweep import build_digests, requeue_stale, sweep
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

from .conftest import move_due_date

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@pytest.fixture
def published(monkeypatch):
    """Ids handed to the send tasks, instead of a broker."""
    sent: list[tuple[str, list[int]]] = []

    def record(task, ids):
        sent.append(("reminder" if task.name == "reminders.send_reminder_emails" else "digest", list(ids)))

    monkeypatch.setattr(sweep_module, "enqueue_on_commit", record)
    return sent


def test_records_the_current_stage_once_with_an_in_app_notification(db, published):
    patient = PatientFactory(next_scan_due_on=TODAY + days(20), user__time_zone="Europe/London")
    stats = sweep(NOW)
    reminder = Reminder.objects.get()
    assert (reminder.patient_id, reminder.kind, reminder.due_on, reminder.stage) == (
        patient.pk,
        "scan_due",
        TODAY + days(20),
        -30,
    )
    assert reminder.send_at == dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC)
    assert reminder.email_status == EmailStatus.PENDING
    note = Notification.objects.get()
    assert note.recipient == patient.user and note.reminder == reminder
    assert note.title == "Your bone density scan is due in 20 days"
    assert published == [("reminder", [reminder.pk])]
    assert (stats.recorded, stats.notified, stats.emails_queued) == (1, 1, 1)
    # Running again changes nothing.
    again = sweep(NOW + dt.timedelta(minutes=1))
    assert again.recorded == 0
    assert Reminder.objects.count() == 1 and Notification.objects.count() == 1
    assert published == [("reminder", [reminder.pk])]


def test_nothing_before_nine_local_on_the_stage_date(db, published):
    PatientFactory(next_scan_due_on=dt.date(2026, 12, 22), user__time_zone="America/New_York")
    assert sweep(dt.datetime(2026, 11, 22, 13, 59, tzinfo=dt.UTC)).recorded == 0  # 08:59 in New York
    assert sweep(dt.datetime(2026, 11, 22, 14, 0, tzinfo=dt.UTC)).recorded == 1


def test_stages_follow_time_up_to_three_overdue_then_stop(db, published):
    due = dt.date(2026, 1, 10)
    PatientFactory(next_scan_due_on=due)
    for moment in (
        dt.datetime(2025, 12, 11, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 9, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 11, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC),
        dt.datetime(2027, 5, 10, 9, tzinfo=dt.UTC),
    ):
        sweep(moment)
    assert sorted(Reminder.objects.values_list("stage", flat=True)) == [-30, 0, 30, 60, 90]
    assert Reminder.objects.filter(stage__gt=0).count() == 3


def test_first_seen_late_sends_only_the_latest_stage(db, published):
    PatientFactory(next_scan_due_on=TODAY - days(45))
    sweep(NOW)
    assert list(Reminder.objects.values_list("stage", flat=True)) == [30]
    # The skipped earlier stages never come back.
    sweep(NOW + days(1))
    assert list(Reminder.objects.values_list("stage", flat=True)) == [30]


def test_changed_due_date_starts_its_own_stages_and_old_ones_are_never_repeated(db, published):
    patient = PatientFactory(next_scan_due_on=TODAY + days(10))
    sweep(NOW)
    move_due_date(patient, TODAY + days(400))  # a new scan moved the date out
    sweep(NOW + days(1))
    assert Reminder.objects.count() == 1  # nothing current for the new date yet
    move_due_date(patient, TODAY + days(10))  # moved back: the stage already recorded is not recorded again
    sweep(NOW + days(2))
    assert Reminder.objects.count() == 1


def test_the_database_refuses_a_second_row_for_a_stage(db):
    patient = PatientFactory()
    fields = {"patient": patient, "kind": "scan_due", "due_on": TODAY, "stage": 0, "send_at": NOW}
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**fields)


def test_channels_follow_preferences(db, published):
    email_only = PatientFactory(next_scan_due_on=TODAY)
    NotificationPreference.objects.create(user=email_only.user, in_app=False)
    app_only = PatientFactory(next_scan_due_on=TODAY)
    NotificationPreference.objects.create(user=app_only.user, email=False)
    inactive = PatientFactory(next_scan_due_on=TODAY, user__is_active=False)
    sweep(NOW)
    rows = dict(Reminder.objects.values_list("patient_id", "email_status"))
    assert rows == {email_only.pk: EmailStatus.PENDING, app_only.pk: EmailStatus.SKIPPED}
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [app_only.user_id]
    assert inactive.pk not in rows
    assert published == [("reminder", [Reminder.objects.get(patient=email_only).pk])]


def test_patients_without_a_due_date_or_far_from_it_are_left_alone(db, published):
    PatientFactory(next_scan_due_on=None)
    PatientFactory(next_scan_due_on=TODAY + days(45))
    assert sweep(NOW).patients == 0
    assert not Reminder.objects.exists()


def test_queries_grow_with_batches_not_patients(db, published, django_assert_num_queries):
    for i in range(60):
        PatientFactory(next_scan_due_on=TODAY - days(i))
    # Per batch: the patients, a savepoint, the reminders insert, the rows won, the notifications insert, the release.
    # Before them, the ids of every candidate; after them, one outbox select per outbox table. The two dose reminder
    # kinds each look for candidate courses once (none here).
    with django_assert_num_queries(6 * 3 + 1 + 2 + 2):
        stats = sweep(NOW, batch_size=20)
    assert stats.batches == 3 and stats.recorded == 60
    Reminder.objects.all().delete()
    with django_assert_num_queries(6 * 6 + 1 + 2 + 2):
        assert sweep(NOW, batch_size=10).batches == 6


def test_send_tasks_are_published_in_chunks(db, published):
    for _ in range(sweep_module.SEND_CHUNK + 5):
        PatientFactory(next_scan_due_on=TODAY)
    sweep(NOW, batch_size=1000)
    assert [len(ids) for _, ids in published] == [sweep_module.SEND_CHUNK, 5]


def test_outbox_republishes_only_stale_pending_emails(db, published, settings):
    settings.REMINDERS_REQUEUE_AFTER_SECONDS = 600
    patients = [PatientFactory(next_scan_due_on=TODAY) for _ in range(3)]
    sweep(NOW, enqueue=False)  # recorded, never published (as if the broker was down)
    fresh, stale, sent = Reminder.objects.order_by("pk")
    Reminder.objects.filter(pk=fresh.pk).update(email_queued_at=NOW)
    Reminder.objects.filter(pk=sent.pk).update(email_status=EmailStatus.SENT, email_sent_at=NOW)
    assert requeue_stale(NOW + dt.timedelta(minutes=5)) == 1
    assert published == [("reminder", [stale.pk])]
    assert requeue_stale(NOW + dt.timedelta(minutes=5)) == 0  # just re-published: waits for the grace period again
    assert requeue_stale(NOW + dt.timedelta(minutes=20)) == 2  # both still pending after the grace period
    assert len(patients) == 3


def test_clinician_digest_once_a_day_when_someone_new_is_30_days_overdue(db, published):
    clinician = ClinicianFactory(time_zone="Europe/London")
    late = PatientFactory(next_scan_due_on=TODAY - days(31))
    MembershipFactory(patient=late, clinician=clinician)
    MembershipFactory(patient=PatientFactory(next_scan_due_on=TODAY - days(28)), clinician=clinician)  # not yet
    morning = dt.datetime(2026, 11, 22, 7, 59, tzinfo=dt.UTC)
    assert build_digests(morning) == 0  # before 08:00 local
    assert build_digests(morning + dt.timedelta(hours=1)) == 1
    digest = ClinicianDigest.objects.get()
    assert digest.day == TODAY
    assert [(p["id"], p["days_overdue"], p["new"]) for p in digest.patients] == [(late.pk, 31, True)]
    assert Notification.objects.get(recipient=clinician).title == "1 patient is 30 or more days overdue for a scan (1 new)"
    assert published == [("digest", [digest.pk])]
    assert build_digests(morning + dt.timedelta(hours=5)) == 0  # once a day
    assert build_digests(morning + days(1) + dt.timedelta(hours=1)) == 0  # nobody new tomorrow
    assert build_digests(morning + days(2) + dt.timedelta(hours=1)) == 1  # the second patient crosses 30 days
    latest = ClinicianDigest.objects.order_by("-day").first()
    assert [p["new"] for p in latest.patients] == [False, True]
