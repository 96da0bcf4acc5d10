"""Sending the email channel exactly once.

`send_reminder_email(id)` locks the pending row (`SELECT ... FOR UPDATE SKIP LOCKED`), sends through Django's
email backend and marks the row sent, all in one transaction:
- a second task for the same row (duplicate publish, re-published outbox) skips it while it is locked and finds it
  sent afterwards;
- an SMTP or connection error rolls the transaction back: the row stays pending and the task retries;
- a worker that dies mid-send never commits: its lock goes with its connection, the row stays pending, and the
  redelivered task (acks_late) or the sweep's outbox re-publish sends it once.
The email says what the in-app notification says, worded on the patient's day the reminder was recorded; a reminder
still unsent after that day (or after a later stage, or a new due date) is out of date and not sent.
Every message carries a stable Message-ID, so a receiving server can also drop a copy.
"""

import contextlib
import datetime as dt
import logging
import smtplib
import socket

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bonetrack.core.date_display import day_format

from . import kinds, schedule
from .models import ClinicianDigest, EmailStatus, NotificationPreference, Reminder

logger = logging.getLogger("bonetrack.reminders")

# Errors worth retrying: the mail server or the network, not a bug in our code.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, socket.timeout, TimeoutError, OSError)

UNSUBSCRIBE_SALT = "bonetrack.reminders.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def user_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email_allowed(user) -> bool:
    return bool(user.is_active and user.email and NotificationPreference.for_user(user).email)


def _headers(user, message_id: str) -> dict:
    unsubscribe = absolute(reverse("reminders:unsubscribe", kwargs={"token": unsubscribe_token(user)}))
    return {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }, unsubscribe


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bonetrack.local"


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    with day_format(reminder.patient.user.date_format):  # dates in the recipient's own style
        return _reminder_email(reminder)


def _reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    patient = reminder.patient
    user = patient.user
    kind = kinds.get(reminder.kind)
    # The patient's date when the reminder was recorded, as for the in-app notification: a send retried after local
    # midnight still says what the stage says ("due in 30 days", "due today").
    today = reminder.created_at.astimezone(schedule.zone(user.time_zone)).date()
    message = kind.message(
        patient_id=patient.pk,
        due_on=reminder.due_on,
        stage=reminder.stage,
        today=today,
        catch_up=reminder.catch_up,
        drug=reminder.course.regimen.drug.name if reminder.course_id else "",
    )
    headers, unsubscribe = _headers(user, f"<reminder-{reminder.pk}@{_domain()}>")
    context = {
        "name": user.first_name or user.display_name,
        "message": message,
        "action_url": absolute(message.action_path),
        "preferences_url": absolute(reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})),
        "unsubscribe_url": unsubscribe,
    }
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + message.subject,
        body=render_to_string("reminders/email/reminder.txt", context),
        to=[user.email],
        headers=headers,
    )
    email.attach_alternative(render_to_string("reminders/email/reminder.html", context), "text/html")
    return email


def digest_email(digest: ClinicianDigest) -> EmailMultiAlternatives:
    with day_format(digest.clinician.date_format):  # dates in the recipient's own style
        return _digest_email(digest)


def _digest_email(digest: ClinicianDigest) -> EmailMultiAlternatives:
    user = digest.clinician
    headers, unsubscribe = _headers(user, f"<digest-{digest.pk}@{_domain()}>")
    patients = [
        {
            **p,
            "due_on": dt.date.fromisoformat(p["due_on"]),  # stored as ISO text in the digest's JSON
            "url": absolute(reverse("reminders:reminder-list", kwargs={"patient_id": p["id"]})),
        }
        for p in digest.patients
    ]
    new = sum(1 for p in patients if p.get("new"))
    context = {
        "name": user.display_name,
        "day": digest.day,
        "patients": patients,
        "new_count": new,
        "list_url": absolute(reverse("careteams:patient-list")),
        "unsubscribe_url": unsubscribe,
    }
    subject = f"{len(patients)} patient{'s' if len(patients) != 1 else ''} 30+ days overdue for a scan ({new} new)"
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string("reminders/email/digest.txt", context),
        to=[user.email],
        headers=headers,
    )
    email.attach_alternative(render_to_string("reminders/email/digest.html", context), "text/html")
    return email


def _send_one(model, pk: int, build, check, connection, now: dt.datetime) -> str:
    """Claim, send and mark one outbox row in a single transaction. Returns what happened."""
    try:
        with transaction.atomic():
            row = model.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk, email_status=EmailStatus.PENDING)
            row = build[0](row).first()
            if row is None:
                return "not-pending"  # sent already, or another worker holds it right now
            verdict = check(row)
            if verdict is not None:
                row.email_status = verdict
                row.email_queued_at = None
                row.save(update_fields=["email_status", "email_queued_at"])
                return verdict
            email = build[1](row)
            email.connection = connection
            email.send()
            row.email_status = EmailStatus.SENT
            row.email_sent_at = now
            row.email_attempts = F("email_attempts") + 1
            row.email_last_error = ""
            row.save(update_fields=["email_status", "email_sent_at", "email_attempts", "email_last_error"])
            return "sent"
    except TRANSIENT_ERRORS as exc:
        model.objects.filter(pk=pk, email_status=EmailStatus.PENDING).update(
            email_attempts=F("email_attempts") + 1, email_last_error=f"{type(exc).__name__}: {exc}"[:200]
        )
        raise


def send_reminder_emails(ids: list[int], now: dt.datetime | None = None) -> dict[int, str]:
    """Send each pending reminder email in `ids` once. Transient errors are collected, not fatal for the others."""
    now = now or timezone.now()
    outcomes: dict[int, str] = {}

    def check(reminder: Reminder) -> str | None:
        kind = kinds.get(reminder.kind)
        user = reminder.patient.user
        if not (_email_allowed(user) and kind.email_allowed(NotificationPreference.for_user(user))):
            return EmailStatus.SKIPPED
        if kind.reminder_due_on(reminder, now) != reminder.due_on:
            return EmailStatus.SUPERSEDED
        # Out of date: a stage's text ("due today", "due in 30 days") holds on the patient's day it was recorded,
        # so it is not emailed on a later day (the in-app notification stays); nor after a later stage was recorded.
        tz = schedule.zone(reminder.patient.user.time_zone)
        if not reminder.catch_up and now.astimezone(tz).date() != reminder.created_at.astimezone(tz).date():
            return EmailStatus.SUPERSEDED
        later = Reminder.objects.filter(
            patient_id=reminder.patient_id,
            course_id=reminder.course_id,
            kind=reminder.kind,
            due_on=reminder.due_on,
            stage__gt=reminder.stage,
        )
        if later.exists():
            return EmailStatus.SUPERSEDED
        return None

    build = (lambda qs: qs.select_related("patient__user", "course__regimen__drug"), reminder_email)
    return _send_all(Reminder, ids, build, check, now, outcomes)


def send_digest_emails(ids: list[int], now: dt.datetime | None = None) -> dict[int, str]:
    now = now or timezone.now()
    outcomes: dict[int, str] = {}

    def check(digest: ClinicianDigest) -> str | None:
        return None if _email_allowed(digest.clinician) else EmailStatus.SKIPPED

    build = (lambda qs: qs.select_related("clinician"), digest_email)
    return _send_all(ClinicianDigest, ids, build, check, now, outcomes)


def _send_all(model, ids, build, check, now, outcomes) -> dict[int, str]:
    connection = get_connection()
    first_error = None
    try:
        for pk in ids:
            try:
                outcomes[pk] = _send_one(model, pk, build, check, connection, now)
            except TRANSIENT_ERRORS as exc:
                logger.warning("Sending %s %s failed (%s); it will be retried", model.__name__, pk, exc)
                outcomes[pk] = "failed"
                first_error = first_error or exc
    finally:
        with contextlib.suppress(*TRANSIENT_ERRORS):
            connection.close()
    if first_error is not None:
        raise SendFailed(outcomes, first_error)
    return outcomes


class SendFailed(Exception):
    """Some emails of a chunk failed transiently; `failed_ids` should be retried."""

    def __init__(self, outcomes: dict[int, str], cause: Exception):
        super().__init__(f"{sum(1 for v in outcomes.values() if v == 'failed')} emails failed: {cause}")
        self.outcomes = outcomes
        self.failed_ids = [pk for pk, outcome in outcomes.items() if outcome == "failed"]
