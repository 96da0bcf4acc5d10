"""A patient in Los Angeles: each stage is one email, sent at 09:00 local on the stage's date, saying what its label says.

Time travels through the sweep's and the send task's `now`, two hours at a time around every stage (and across the
start of daylight saving time between the first two stages).
"""

import contextlib
import datetime as dt
import smtplib

import pytest
from django.core.mail import EmailMultiAlternatives

from bonetrack.reminders import kinds
from bonetrack.reminders.delivery import SendFailed
from bonetrack.reminders.models import Notification, Reminder, ReminderDueDate
from bonetrack.reminders.schedule import zone

from .conftest import move_due_date
from .test_catch_up import Clock, clock  # noqa: F401 - the fixture

LA = zone("America/Los_Angeles")
DUE = dt.date(2027, 3, 20)  # US daylight saving time starts on 14 March 2027: the -30 stage is PST, the rest PDT
WORDING = {
    -30: ("30 days before", "Your bone density scan is due in 30 days"),
    0: ("On the due date", "Your bone density scan is due today"),
    30: ("Overdue reminder 1 of 3", "Your bone density scan is 30 days overdue"),
    60: ("Overdue reminder 2 of 3", "Your bone density scan is 60 days overdue"),
    90: ("Overdue reminder 3 of 3", "Your bone density scan is 90 days overdue"),
}


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LA).astimezone(dt.UTC)


def hours_around(day: dt.date):
    """Every other hour from the day before to the end of the day after `day`, local time (09:00 included), plus the
    minute either side of 09:00 on `day`."""
    start = local(day - dt.timedelta(days=1), 1)
    moments = [start + dt.timedelta(hours=h) for h in range(0, 72, 2)]
    return sorted({*moments, local(day, 8, 59), local(day, 9, 1)})


def la_patient(patient, *, known_since: dt.datetime):
    patient.user.time_zone = "America/Los_Angeles"
    patient.user.save()
    move_due_date(patient, DUE)
    ReminderDueDate.objects.filter(patient=patient).update(known_since=known_since)
    return patient


def test_one_email_per_stage_at_nine_local_saying_what_the_label_says(patient, clock):  # noqa: F811
    la_patient(patient, known_since=local(DUE - dt.timedelta(days=90), 12))
    for offset in kinds.SCAN_DUE.offsets:
        for moment in hours_around(DUE + dt.timedelta(days=offset)):
            clock.at(moment)
    reminders = {r.stage: r for r in Reminder.objects.all()}
    assert sorted(reminders) == [-30, 0, 30, 60, 90]
    assert len(clock.sent) == 5  # one email per stage
    for (sent_at, email), offset in zip(clock.sent, sorted(reminders), strict=True):
        stage_day = DUE + dt.timedelta(days=offset)
        assert sent_at.astimezone(LA).date() == stage_day and sent_at.astimezone(LA).time() == dt.time(9)
        label, subject = WORDING[offset]
        reminder = reminders[offset]
        assert reminder.send_at == sent_at and reminder.stage_label == label
        assert email.subject == f"[BoneTrack] {subject}"
        assert Notification.objects.get(reminder=reminder).title == subject
        assert f"{DUE:%A} {DUE.day} {DUE:%B %Y}" in email.body


def test_a_date_set_at_seven_in_the_morning_on_the_day_waits_for_nine_and_says_due_today(patient, clock):  # noqa: F811
    # The reported case: set at 07:26 on the due date itself. The "30 days before" stage is history, not sent.
    set_at = local(DUE, 7, 26)
    la_patient(patient, known_since=set_at)
    clock.at(set_at + dt.timedelta(seconds=5), patient_ids=[patient.pk])
    assert not Reminder.objects.exists() and clock.sent == []
    for moment in hours_around(DUE):
        clock.at(moment)
    ((sent_at, email),) = clock.sent
    assert sent_at == local(DUE, 9)
    assert Reminder.objects.get().stage_label == "On the due date"
    assert email.subject == "[BoneTrack] Your bone density scan is due today"


@pytest.mark.parametrize(
    ("back_at", "outcome"),
    [((DUE, 15, 0), "sent"), ((DUE + dt.timedelta(days=1), 0, 30), "superseded")],
    ids=["back-the-same-afternoon", "back-after-midnight"],
)
def test_a_send_held_up_by_the_mail_server_goes_only_while_its_words_hold(patient, clock, monkeypatch, back_at, outcome):  # noqa: F811
    la_patient(patient, known_since=local(DUE - dt.timedelta(days=2), 12))
    real_send = EmailMultiAlternatives.send
    mail_back = local(*back_at)
    moment = {"now": None}

    def flaky(self, *args, **kwargs):
        if moment["now"] < mail_back:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    for now in hours_around(DUE):
        moment["now"] = now
        with contextlib.suppress(SendFailed):  # the task retries; the sweep's outbox re-publishes it too
            clock.at(now)
    reminder = Reminder.objects.get()
    assert reminder.email_status == outcome
    assert Notification.objects.get().title == "Your bone density scan is due today"
    if outcome == "sent":
        ((sent_at, email),) = clock.sent
        assert sent_at == mail_back and sent_at.astimezone(LA).date() == DUE
        assert email.subject == "[BoneTrack] Your bone density scan is due today"
        assert email.body.split("\n\n")[1] == Notification.objects.get().body  # the same words as in BoneTrack
    else:
        assert clock.sent == []  # "due today" is not emailed on the day after


def test_a_stage_whose_email_never_went_out_is_not_sent_with_the_next_one(patient, clock, monkeypatch):  # noqa: F811
    la_patient(patient, known_since=local(DUE - dt.timedelta(days=90), 12))
    real_send = EmailMultiAlternatives.send
    down = {"value": True}

    def flaky(self, *args, **kwargs):
        if down["value"]:
            raise smtplib.SMTPServerDisconnected("down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    for moment in hours_around(DUE - dt.timedelta(days=30)):
        with contextlib.suppress(SendFailed):
            clock.at(moment)
    down["value"] = False
    for moment in hours_around(DUE):
        clock.at(moment)
    assert dict(Reminder.objects.values_list("stage", "email_status")) == {-30: "superseded", 0: "sent"}
    assert [email.subject for _, email in clock.sent] == ["[BoneTrack] Your bone density scan is due today"]
