"""Reminders and notifications.

- `Reminder`: one row per (patient, kind, due date, stage), ever (a unique constraint). Recording the row is the
  decision to remind; the in-app notification is written in the same transaction, and the email waits in the
  row's outbox columns until a worker sends it (exactly once: see `delivery.py`).
- `ClinicianDigest`: one per clinician per local day, listing their patients 30 or more days overdue.
- `Notification`: the in-app bell, for any user. A reminder's notification is withdrawn (hidden from the bell and
  the list) once its due date is no longer the patient's.
- `ReminderDueDate`: each patient's current due date per kind and since when it is known, so that stages whose
  moment passed before it was known are not replayed (see `schedule.plan`).
- `DoseLateNotice`: the care team was told that a denosumab dose is a month late, once per (course, due date).
- `NotificationPreference`: the channels a user wants (missing row = both on), and the patient's dose reminders.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bonetrack.core.date_display import format_day

from . import kinds


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent (email turned off)"
    SUPERSEDED = "superseded", "Not sent (out of date)"


class EmailOutbox(models.Model):
    """The email channel's state: pending rows are the outbox the sweep re-enqueues."""

    email_status = models.CharField(max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_queued_at = models.DateTimeField(null=True, blank=True, help_text="Last time a send task was published.")
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class ReminderQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "ReminderQuerySet":
        return self.filter(patient=patient)

    def email_pending(self) -> "ReminderQuerySet":
        return self.filter(email_status=EmailStatus.PENDING)

    def stale_outbox(self, before) -> "ReminderQuerySet":
        """Pending emails never published, or published before `before` and still not sent."""
        return self.email_pending().filter(Q(email_queued_at__isnull=True) | Q(email_queued_at__lt=before))


class Reminder(EmailOutbox):
    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="reminders")
    course = models.ForeignKey(
        "treatment.Course",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        help_text="The medication course of a dose reminder (empty for scan reminders).",
    )
    kind = models.CharField(max_length=32)
    due_on = models.DateField()
    stage = models.SmallIntegerField(help_text="Days from the due date: -30 before, 0 on the day, 30/60/90 overdue.")
    catch_up = models.BooleanField(
        default=False, help_text="The one notice for a due date already past when it became known (stage: the latest passed)."
    )
    send_at = models.DateTimeField(help_text="The stage's planned moment (09:00 in the patient's zone).")
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.UUIDField(null=True, blank=True, editable=False, help_text="The sweep batch that recorded it.")

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two partial constraints rather than one over a nullable column: NULLs are distinct in a plain unique
            # index (SQLite, and PostgreSQL without NULLS NOT DISTINCT), which would let a scan stage in twice.
            models.UniqueConstraint(
                fields=["patient", "kind", "due_on", "stage"], condition=Q(course__isnull=True), name="reminder_once_per_stage"
            ),
            models.UniqueConstraint(
                fields=["patient", "course", "kind", "due_on", "stage"],
                condition=Q(course__isnull=False),
                name="reminder_once_per_course_stage",
            ),
            models.CheckConstraint(condition=Q(email_status__in=EmailStatus.values), name="reminder_email_status_valid"),
            models.CheckConstraint(
                condition=Q(email_sent_at__isnull=True) | Q(email_status=EmailStatus.SENT), name="reminder_sent_has_status"
            ),
        ]
        indexes = [
            models.Index(fields=["batch"], name="reminder_batch"),
            models.Index(fields=["patient", "created_at"], name="reminder_patient_created"),
            models.Index(fields=["email_queued_at"], condition=Q(email_status="pending"), name="reminder_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.stage_label} (due {format_day(self.due_on)})"

    @property
    def kind_label(self) -> str:
        return kinds.label_of(self.kind)

    @property
    def stage_label(self) -> str:
        try:
            kind = kinds.get(self.kind)
        except KeyError:
            return str(self.stage)
        return kind.catch_up_label if self.catch_up else kind.stage_label(self.stage)


class ReminderDueDate(models.Model):
    """A patient's (or one of their courses') current due date for one kind, and when it became the current one."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="reminder_due_dates")
    course = models.ForeignKey(
        "treatment.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="reminder_due_dates"
    )
    kind = models.CharField(max_length=32)
    due_on = models.DateField()
    known_since = models.DateTimeField(help_text="Stages whose moment passed before this are not sent.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"], condition=Q(course__isnull=True), name="reminder_due_date_once_per_kind"
            ),
            models.UniqueConstraint(
                fields=["course", "kind"], condition=Q(course__isnull=False), name="reminder_due_date_once_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{kinds.label_of(self.kind)} due {format_day(self.due_on)}, known since {format_day(self.known_since, time=True)}"


class ClinicianDigest(EmailOutbox):
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests")
    day = models.DateField(help_text="The clinician's local date.")
    patients = models.JSONField(default=list, help_text="[{id, name, due_on, days_overdue, new}] at the time of the digest.")
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["clinician", "day"], name="digest_once_per_day"),
            models.CheckConstraint(condition=Q(email_status__in=EmailStatus.values), name="digest_email_status_valid"),
        ]
        indexes = [
            models.Index(fields=["batch"], name="digest_batch"),
            models.Index(fields=["email_queued_at"], condition=Q(email_status="pending"), name="digest_outbox"),
        ]

    def __str__(self) -> str:
        return f"Overdue digest for {self.clinician} on {format_day(self.day)}"


class DoseLateNotice(models.Model):
    """The care team was told that a denosumab dose is a month or more late (R11, R16): once per (course, due date)."""

    course = models.ForeignKey("treatment.Course", on_delete=models.CASCADE, related_name="late_notices")
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["course", "due_on"], name="dose_late_notice_once_per_due_date")]
        indexes = [models.Index(fields=["batch"], name="dose_late_notice_batch")]

    def __str__(self) -> str:
        return f"Late dose notice: course {self.course_id}, due {format_day(self.due_on)}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        """The user's notifications still in force (withdrawn ones are kept for the record, not shown)."""
        return self.filter(recipient=user, withdrawn_at__isnull=True)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    digest = models.ForeignKey(ClinicianDigest, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="Set when the reminder's due date changed.")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder"], condition=Q(reminder__isnull=False), name="notification_once_per_reminder"
            ),
            models.UniqueConstraint(fields=["digest"], condition=Q(digest__isnull=False), name="notification_once_per_digest"),
        ]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True, withdrawn_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.BooleanField("Email", default=True, help_text="Reminders by email, with a link to stop them.")
    in_app = models.BooleanField("In BoneTrack", default=True, help_text="Reminders under the bell at the top of the page.")
    email_stopped_at = models.DateTimeField(null=True, blank=True, help_text="When an unsubscribe link was used.")
    dose_in_app = models.BooleanField(
        "Dose-day reminders in BoneTrack", default=True, help_text="Self-given medicines: a reminder on each dose day."
    )
    dose_email = models.BooleanField(
        "Dose-day reminders by email", default=False, help_text="Self-given medicines: only when the patient opts in."
    )
    dose_time = models.TimeField(
        "Dose-day reminder time", default=dt.time(8), help_text="Local time of the dose-day reminder."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    @classmethod
    def for_user(cls, user) -> "NotificationPreference":
        """The user's preferences (unsaved defaults when they never chose)."""
        try:
            return user.notification_preference
        except cls.DoesNotExist:
            return cls(user=user)
