"""A due date that becomes known late (a new patient typing in their history) does not replay its past stages.

Stages whose moment passed before the due date was set are never sent. If the date itself had passed by then, one
overdue notice goes out, worded for that case, at the first 09:00 local at least an hour later. When a newer scan
moves the date, the old date's notifications are withdrawn and its unsent emails are not sent.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bonetrack.core.dates import add_months
from bonetrack.core.timezones import local_today
from bonetrack.reminders import kinds
from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.delivery import send_reminder_emails
from bonetrack.reminders.due_dates import due_date_changed
from bonetrack.reminders.models import EmailStatus, Notification, Reminder, ReminderDueDate
from bonetrack.reminders.schedule import zone
from bonetrack.reminders.sweep import sweep
from tests.dexa.factories import FacilityFactory

from .conftest import move_due_date

LONDON = "Europe/London"


class Clock:
    """Runs the sweep and the send tasks at chosen moments, as beat and a worker would, without a broker."""

    def __init__(self, monkeypatch):
        self.published: list[int] = []
        self.sent: list[tuple[dt.datetime, object]] = []
        monkeypatch.setattr(sweep_module, "enqueue_on_commit", lambda task, ids: self.published.extend(ids))

    def at(self, now: dt.datetime, patient_ids=None) -> None:
        before = len(mail.outbox)
        sweep(now, patient_ids=patient_ids)
        ids, self.published[:] = list(self.published), []
        if ids:
            send_reminder_emails(ids, now)
        self.sent.extend((now, message) for message in mail.outbox[before:])


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def enter_scan(client, patient, day: dt.date):
    """The patient adds a scan (osteoporosis range: next scan due 2 years later) through the page."""
    data = {
        "scanned_on": day.isoformat(),
        "facility": str(FacilityFactory().pk),
        "new_facility": "",
        "make": "hologic",
        "model": "Horizon A",
        "lumbar_spine-bmd": "0.812",
        "lumbar_spine-t_score": "-2.6",
        "lumbar_spine-z_score": "",
    }
    response = client.post(reverse("dexa:scan-add", kwargs={"patient_id": patient.pk}), data)
    assert response.status_code == 302, response.context and response.context["entry"].scan_form.errors
    patient.refresh_from_db()
    return patient.next_scan_due_on


def nine_local(day: dt.date, name: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=zone(name)).astimezone(dt.UTC)


def bell(client) -> int:
    return client.get(reverse("reminders:notification-bell"), HTTP_HX_REQUEST="true").context["unread_count"]


def test_history_typed_in_oldest_first_gets_one_overdue_notice_which_a_newer_scan_withdraws(patient_client, patient, clock):
    patient.user.time_zone = LONDON
    patient.user.save()
    today = local_today(patient.user)
    old_due = enter_scan(patient_client, patient, add_months(today, -30))
    entered = timezone.now()
    assert (today - old_due).days > 150  # past the third overdue stage

    # The sweep that follows the change at once records nothing: no "reminder 3 of 3" within seconds.
    clock.at(entered + dt.timedelta(seconds=5), patient_ids=[patient.pk])
    assert not Reminder.objects.exists() and mail.outbox == []
    assert bell(patient_client) == 0
    upcoming = patient_client.get(reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})).context["upcoming"]
    assert [row["stage"] for row in upcoming] == [kinds.SCAN_DUE.catch_up_label]
    notice_at = upcoming[0]["when"]
    assert notice_at.hour == 9 and notice_at - entered >= dt.timedelta(hours=1)

    # At that 09:00: one overdue notice, worded for the case, in the bell and by email. Then nothing more, ever.
    clock.at(notice_at - dt.timedelta(minutes=1))
    assert not Reminder.objects.exists()
    for day in range(0, 200, 3):
        clock.at(notice_at + dt.timedelta(days=day))
    reminder = Reminder.objects.get()
    assert (reminder.catch_up, reminder.stage, reminder.send_at) == (True, 90, notice_at)
    assert reminder.stage_label == "Overdue notice (the date had already passed when it was set)"
    ((sent_at, email),) = clock.sent
    assert sent_at == notice_at
    assert email.subject == "[BoneTrack] Your bone density scan is overdue"
    for text in (email.subject, email.body, email.alternatives[0][0]):
        assert " of 3" not in text and "days overdue" not in text and "days ago" not in text
    assert f"was due on {old_due:%A} {old_due.day} {old_due:%B %Y}" in email.body
    note = Notification.objects.get()
    assert (note.title, note.body) == ("Your bone density scan is overdue", email.body.split("\n\n")[1])
    assert bell(patient_client) == 1

    # The newer scan moves the date: the notice leaves the bell and the list; the history says why.
    new_due = enter_scan(patient_client, patient, add_months(today, -1))
    assert new_due > today
    assert bell(patient_client) == 0
    listed = patient_client.get(reverse("reminders:notification-list")).context["notifications"]
    assert listed == []
    page = patient_client.get(reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})).content.decode()
    assert "Withdrawn (due date changed)" in page
    assert len(clock.sent) == 1


def test_history_entered_in_one_sitting_sends_nothing_for_the_passing_date(patient_client, patient, clock):
    patient.user.time_zone = LONDON
    patient.user.save()
    today = local_today(patient.user)
    enter_scan(patient_client, patient, add_months(today, -30))
    clock.at(timezone.now(), patient_ids=[patient.pk])
    new_due = enter_scan(patient_client, patient, add_months(today, -1))  # a few minutes later
    clock.at(timezone.now(), patient_ids=[patient.pk])
    for day in range(1, 40):
        clock.at(timezone.now() + dt.timedelta(days=day))
    assert not Reminder.objects.exists() and clock.sent == []
    assert ReminderDueDate.objects.get(patient=patient).due_on == new_due


def test_an_unsent_overdue_notice_is_not_emailed_once_the_date_moves(patient_client, patient, monkeypatch):
    today = local_today(patient.user)
    enter_scan(patient_client, patient, add_months(today, -30))
    sweep(timezone.now() + dt.timedelta(days=1), enqueue=False)  # recorded; the email waits in the outbox
    reminder = Reminder.objects.get()
    assert reminder.email_status == EmailStatus.PENDING
    enter_scan(patient_client, patient, add_months(today, -1))
    reminder.refresh_from_db()
    assert reminder.email_status == EmailStatus.SUPERSEDED
    assert send_reminder_emails([reminder.pk], timezone.now() + dt.timedelta(days=1)) == {reminder.pk: "not-pending"}
    assert mail.outbox == [] and bell(patient_client) == 0


def test_a_date_45_days_past_when_set_gets_the_notice_then_the_regular_later_stages(patient, clock):
    set_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    due = dt.date(2026, 1, 16)  # 45 days before
    move_due_date(patient, due)
    ReminderDueDate.objects.filter(patient=patient).update(known_since=set_at)
    for moment in (set_at, nine_local(dt.date(2026, 3, 3), "UTC"), nine_local(due + dt.timedelta(days=60), "UTC")):
        clock.at(moment)
        clock.at(moment + dt.timedelta(days=1))
    rows = list(Reminder.objects.order_by("stage").values_list("stage", "catch_up"))
    assert rows == [(30, True), (60, False)]
    assert [email.subject for _, email in clock.sent] == [
        "[BoneTrack] Your bone density scan is overdue",
        "[BoneTrack] Your bone density scan is 60 days overdue",
    ]


def test_a_date_set_inside_the_first_30_days_skips_the_before_stage(patient, clock):
    set_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    due = dt.date(2026, 3, 12)
    move_due_date(patient, due)
    ReminderDueDate.objects.filter(patient=patient).update(known_since=set_at)
    clock.at(set_at)
    assert not Reminder.objects.exists()
    clock.at(nine_local(due, "UTC"))
    assert list(Reminder.objects.values_list("stage", "catch_up")) == [(0, False)]
    assert [email.subject for _, email in clock.sent] == ["[BoneTrack] Your bone density scan is due today"]


def test_a_date_already_known_keeps_its_moment_when_saved_again(patient):
    move_due_date(patient, dt.date(2026, 3, 12))
    first = ReminderDueDate.objects.get(patient=patient).known_since
    due_date_changed(patient, kinds.SCAN_DUE, dt.date(2026, 3, 12), at=first + dt.timedelta(days=3))
    assert ReminderDueDate.objects.get(patient=patient).known_since == first
    move_due_date(patient, None)
    assert not ReminderDueDate.objects.exists()


def test_an_unsent_notice_is_not_emailed_once_a_later_stage_is_recorded(patient):
    set_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    due = dt.date(2026, 1, 16)
    move_due_date(patient, due)
    ReminderDueDate.objects.filter(patient=patient).update(known_since=set_at)
    sweep(nine_local(dt.date(2026, 3, 3), "UTC"), enqueue=False)  # the notice, its email stuck in the outbox
    stage_60 = nine_local(due + dt.timedelta(days=60), "UTC")
    sweep(stage_60, enqueue=False)
    notice, regular = Reminder.objects.order_by("stage")
    assert (notice.catch_up, regular.stage) == (True, 60)
    assert send_reminder_emails([notice.pk, regular.pk], stage_60) == {notice.pk: EmailStatus.SUPERSEDED, regular.pk: "sent"}
    assert [m.subject for m in mail.outbox] == ["[BoneTrack] Your bone density scan is 60 days overdue"]
