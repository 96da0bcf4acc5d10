"""The email channel: sent once, HTML and text, unsubscribe headers; failures stay pending and are retried."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from bonetrack.accounts.models import PatientProfile
from bonetrack.reminders import delivery
from bonetrack.reminders.delivery import (
    SendFailed,
    send_digest_emails,
    send_reminder_emails,
    unsubscribe_token,
    user_id_from_token,
)
from bonetrack.reminders.models import ClinicianDigest, EmailStatus, NotificationPreference, Reminder
from bonetrack.reminders.sweep import build_digests, sweep
from bonetrack.reminders.tasks import backoff
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

from .conftest import move_due_date

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture
def reminder(db):
    patient = PatientFactory(next_scan_due_on=TODAY + dt.timedelta(days=20), user__first_name="Margaret")
    sweep(NOW, enqueue=False)
    return Reminder.objects.get(patient=patient)


def test_sends_html_and_text_once_with_one_click_unsubscribe(reminder):
    assert send_reminder_emails([reminder.pk], NOW) == {reminder.pk: "sent"}
    assert send_reminder_emails([reminder.pk], NOW) == {reminder.pk: "not-pending"}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reminder.patient.user.email]
    assert message.subject == "[BoneTrack] Your bone density scan is due in 20 days"
    assert "Hello Margaret," in message.body and "Saturday 12 December 2026" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Your next bone density (DEXA) scan is due on Saturday 12 December 2026." in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"].startswith(f"<reminder-{reminder.pk}@")
    token = message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert user_id_from_token(token) == reminder.patient.user_id
    reminder.refresh_from_db()
    assert reminder.email_status == EmailStatus.SENT and reminder.email_sent_at == NOW and reminder.email_attempts == 1


def test_smtp_failure_keeps_it_pending_and_a_retry_sends_it_once(reminder, monkeypatch):
    real_send = EmailMultiAlternatives.send

    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    with pytest.raises(SendFailed) as failure:
        send_reminder_emails([reminder.pk], NOW)
    assert failure.value.failed_ids == [reminder.pk]
    reminder.refresh_from_db()
    assert reminder.email_status == EmailStatus.PENDING
    assert reminder.email_attempts == 1 and reminder.email_last_error.startswith("SMTPServerDisconnected")
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert send_reminder_emails([reminder.pk], NOW) == {reminder.pk: "sent"}
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.email_attempts == 2 and reminder.email_last_error == ""


def test_one_failure_does_not_hold_back_the_rest_of_the_chunk(db, monkeypatch):
    patients = [PatientFactory(next_scan_due_on=TODAY) for _ in range(3)]
    sweep(NOW, enqueue=False)
    ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))
    real_send = EmailMultiAlternatives.send
    bad = patients[1].user.email

    def flaky(self, *args, **kwargs):
        if self.to == [bad]:
            raise ConnectionRefusedError("mail server down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with pytest.raises(SendFailed) as failure:
        send_reminder_emails(ids, NOW)
    assert failure.value.failed_ids == [ids[1]]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([patients[0].user.email, patients[2].user.email])


class WorkerKilled(BaseException):
    """Stands for the process dying mid-send (SIGKILL, OOM): nothing after it runs in this transaction."""


def test_a_worker_dying_mid_send_leads_to_exactly_one_later_send(reminder, monkeypatch):
    real_send = EmailMultiAlternatives.send

    def dies(self, *args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(EmailMultiAlternatives, "send", dies)
    with pytest.raises(WorkerKilled):
        send_reminder_emails([reminder.pk], NOW)
    reminder.refresh_from_db()
    assert reminder.email_status == EmailStatus.PENDING and reminder.email_sent_at is None  # not zero...
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    # ...the redelivered task and the outbox re-publish both arrive: one email, not two.
    send_reminder_emails([reminder.pk], NOW)
    send_reminder_emails([reminder.pk], NOW)
    assert len(mail.outbox) == 1


def test_unsubscribed_after_recording_means_no_email(reminder):
    NotificationPreference.objects.create(user=reminder.patient.user, email=False)
    assert send_reminder_emails([reminder.pk], NOW) == {reminder.pk: EmailStatus.SKIPPED}
    assert mail.outbox == []


def test_a_pending_stage_of_a_replaced_due_date_is_not_sent(reminder):
    patient = reminder.patient
    move_due_date(patient, TODAY + dt.timedelta(days=700))  # the change itself marks the old date's pending email
    reminder.refresh_from_db()
    assert reminder.email_status == EmailStatus.SUPERSEDED
    assert send_reminder_emails([reminder.pk], NOW) == {reminder.pk: "not-pending"}
    assert mail.outbox == []


def test_the_send_checks_the_due_date_again_under_its_lock(reminder):
    # A change the reminders were not told of (a bulk update) is still caught when the email is about to go.
    PatientProfile.objects.filter(pk=reminder.patient_id).update(next_scan_due_on=TODAY + dt.timedelta(days=700))
    assert send_reminder_emails([reminder.pk], NOW) == {reminder.pk: EmailStatus.SUPERSEDED}
    assert mail.outbox == []


def test_clinician_digest_email(db):
    clinician = ClinicianFactory(time_zone="UTC")
    late = PatientFactory(next_scan_due_on=TODAY - dt.timedelta(days=40), user__first_name="Helen", user__last_name="Park")
    MembershipFactory(patient=late, clinician=clinician)
    build_digests(NOW, enqueue=False)
    digest = ClinicianDigest.objects.get()
    assert send_digest_emails([digest.pk], NOW) == {digest.pk: "sent"}
    assert send_digest_emails([digest.pk], NOW) == {digest.pk: "not-pending"}
    (message,) = mail.outbox
    assert message.to == [clinician.email]
    assert message.subject == "[BoneTrack] 1 patient 30+ days overdue for a scan (1 new)"
    assert "Helen Park: due 13 Oct 2026, 40 days overdue (new)" in message.body
    assert "Helen Park" in message.alternatives[0][0]


def test_unsubscribe_tokens_are_signed():
    token = unsubscribe_token(type("U", (), {"pk": 42})())
    assert user_id_from_token(token) == 42
    assert user_id_from_token(token[:-2] + "xx") is None
    assert user_id_from_token("42") is None


def test_retry_backoff_grows_and_stays_below_the_visibility_timeout():
    assert [backoff(n) for n in range(4)] == [5, 10, 20, 40]
    assert backoff(50) == 600 < 3600


def test_transient_errors_cover_smtp_and_network():
    assert issubclass(smtplib.SMTPServerDisconnected, delivery.TRANSIENT_ERRORS)
    assert issubclass(ConnectionRefusedError, delivery.TRANSIENT_ERRORS)
    assert issubclass(TimeoutError, delivery.TRANSIENT_ERRORS)
