"""Dose reminders (R16): clinic-given stages, self-given dose days at the patient's time, the key per course, the
denosumab late notice to the care team, and the service the medication pages call."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from bonetrack.core.dates import add_months
from bonetrack.reminders import dose_kinds, services
from bonetrack.reminders import sweep as sweep_module
from bonetrack.reminders.delivery import send_reminder_emails
from bonetrack.reminders.models import (
    DoseLateNotice,
    EmailStatus,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderDueDate,
)
from bonetrack.reminders.sweep import sweep
from bonetrack.treatment.models import Dose
from tests.factories import ClinicianFactory, CourseFactory, DoseFactory, MembershipFactory, PatientFactory

DENOSUMAB = "denosumab-60mg-6-monthly"
ZOLEDRONIC = "zoledronic-acid-5mg-iv-yearly"
IBANDRONATE_IV = "ibandronate-3mg-iv-3-monthly"
RALOXIFENE = "raloxifene-60mg-daily"
ALENDRONATE_WEEKLY = "alendronate-70mg-weekly"


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@pytest.fixture
def published(monkeypatch):
    """Ids handed to the send tasks, instead of a broker."""
    sent: list[list[int]] = []
    monkeypatch.setattr(sweep_module, "enqueue_on_commit", lambda task, ids: sent.append(list(ids)))
    return sent


def denosumab_given(on: dt.date, **patient):
    """A denosumab course whose last dose was given on `on`: the next is due 6 months later."""
    course = CourseFactory(patient=PatientFactory(**patient), regimen_slug=DENOSUMAB, started_on=on)
    DoseFactory(course=course, on=on)
    return course


# --- Clinic-given doses --------------------------------------------------------------------------------------------


def test_clinic_given_stages_book_ahead_due_then_four_overdue_and_stop(db, published):
    course = denosumab_given(dt.date(2025, 5, 1))
    due = dt.date(2025, 11, 1)
    expected = []
    for offset in (-14, 0, 7, 14, 21, 28):
        day = due + dt.timedelta(days=offset)
        assert sweep(at(day, 8, 59)).recorded == 0  # not before 09:00 local on the stage's day
        assert sweep(at(day)).recorded == 1
        expected.append(offset)
        assert list(Reminder.objects.order_by("stage").values_list("stage", flat=True)) == expected
    for later in (dt.date(2025, 12, 6), dt.date(2026, 3, 1)):
        assert sweep(at(later)).recorded == 0
    reminders = Reminder.objects.filter(course=course)
    assert reminders.count() == 6 and reminders.filter(stage__gt=0).count() == 4
    assert set(reminders.values_list("kind", "due_on", "patient_id")) == {("dose_clinic", due, course.patient_id)}


def test_clinic_given_messages_say_book_due_and_overdue(db, published):
    denosumab_given(dt.date(2025, 5, 1))
    due = dt.date(2025, 11, 1)
    for offset in (-14, 0, 7):
        sweep(at(due + dt.timedelta(days=offset)))
    titles = list(Notification.objects.order_by("created_at").values_list("title", flat=True))
    assert titles == [
        "Book your Denosumab appointment: due in 14 days",
        "Your Denosumab dose is due today",
        "Your Denosumab dose is 7 days overdue",
    ]
    assert Notification.objects.first().url == reverse(
        "medications:course-list", kwargs={"patient_id": Reminder.objects.first().patient_id}
    )


def test_first_seen_late_sends_only_the_latest_clinic_stage(db, published):
    denosumab_given(dt.date(2025, 5, 1))
    sweep(at(dt.date(2025, 11, 16)))  # 15 days overdue: stage 14
    sweep(at(dt.date(2025, 11, 17)))
    assert list(Reminder.objects.values_list("stage", flat=True)) == [14]


def test_two_courses_of_one_patient_get_separate_reminders_and_a_resweep_records_nothing(db, published):
    patient = PatientFactory()
    zoledronic = CourseFactory(patient=patient, regimen_slug=ZOLEDRONIC, started_on=dt.date(2025, 11, 22))
    ibandronate = CourseFactory(patient=patient, regimen_slug=IBANDRONATE_IV, started_on=dt.date(2025, 11, 22))
    now = at(dt.date(2025, 11, 22))  # both first doses are due today
    assert sweep(now).recorded == 2
    rows = set(Reminder.objects.values_list("patient_id", "course_id", "kind", "due_on", "stage"))
    assert rows == {
        (patient.pk, zoledronic.pk, "dose_clinic", dt.date(2025, 11, 22), 0),
        (patient.pk, ibandronate.pk, "dose_clinic", dt.date(2025, 11, 22), 0),
    }
    assert Notification.objects.count() == 2 and len(published) == 1 and len(published[0]) == 2
    assert sweep(now + dt.timedelta(minutes=1)).recorded == 0
    assert Reminder.objects.count() == 2 and Notification.objects.count() == 2


def test_the_database_refuses_a_second_row_for_a_course_stage_but_not_for_another_course(db):
    patient = PatientFactory()
    first, second = (CourseFactory(patient=patient, regimen_slug=slug) for slug in (ZOLEDRONIC, DENOSUMAB))
    fields = {
        "patient": patient,
        "kind": "dose_clinic",
        "due_on": dt.date(2025, 1, 1),
        "stage": 0,
        "send_at": at(dt.date(2025, 1, 1)),
    }
    Reminder.objects.create(course=first, **fields)
    Reminder.objects.create(course=second, **fields)
    Reminder.objects.create(course=None, **fields)  # a per-patient kind's row with the same values is its own key
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(course=first, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(course=None, **fields)  # NULL course does not make scan rows distinct


def test_course_sweep_queries_grow_with_batches_not_courses(db, published, django_assert_num_queries):
    for _ in range(30):
        denosumab_given(dt.date(2025, 5, 1))
    # The candidate ids of each kind (scan, clinic, self-given); per batch of courses: the rows, a savepoint, the
    # reminders insert, the rows won, the notifications insert, the release; then one outbox select per outbox table.
    with django_assert_num_queries(3 + 6 * 3 + 2):
        stats = sweep(at(dt.date(2025, 11, 1)), batch_size=10)
    assert stats.batches == 3 and stats.recorded == 30
    # Nothing new to record: one query per batch of courses.
    with django_assert_num_queries(3 + 1 * 3 + 2):
        assert sweep(at(dt.date(2025, 11, 1), 9, 1), batch_size=10).recorded == 0


def test_courses_far_from_their_due_date_are_not_read(db, published):
    denosumab_given(dt.date(2025, 5, 1))  # due 1 Nov 2025
    assert dose_kinds.DOSE_CLINIC.candidate_ids(at(dt.date(2025, 6, 1))) == []
    assert len(dose_kinds.DOSE_CLINIC.candidate_ids(at(dt.date(2025, 10, 17)))) == 1


def test_courses_past_the_overdue_cap_are_not_read_until_the_next_dose(db, published):
    zoledronic = CourseFactory(regimen_slug=ZOLEDRONIC, started_on=dt.date(2025, 5, 1))  # first dose due at the start
    denosumab = denosumab_given(dt.date(2024, 11, 1))  # due 1 May 2025
    MembershipFactory(patient=denosumab.patient)
    sweep(at(dt.date(2025, 5, 29)))  # stage 28 of both; denosumab not yet a month late
    assert dose_kinds.DOSE_CLINIC.candidate_ids(at(dt.date(2025, 5, 30))) == [denosumab.pk]
    sweep(at(dt.date(2025, 6, 1)))  # the care team is told
    assert dose_kinds.DOSE_CLINIC.candidate_ids(at(dt.date(2025, 6, 2))) == []
    DoseFactory(course=zoledronic, on=dt.date(2025, 6, 2))
    DoseFactory(course=denosumab, on=dt.date(2025, 6, 2))
    assert dose_kinds.DOSE_CLINIC.candidate_ids(at(dt.date(2025, 11, 20))) == [denosumab.pk]  # due 2 Dec 2025
    assert sorted(dose_kinds.DOSE_CLINIC.candidate_ids(at(dt.date(2026, 5, 20)))) == sorted([zoledronic.pk, denosumab.pk])


def test_stopped_and_completed_courses_have_no_reminders(db, published):
    stopped = denosumab_given(dt.date(2025, 5, 1))
    stopped.ended_on, stopped.stop_reason = dt.date(2025, 6, 1), "clinician_decision"
    stopped.save()
    romosozumab = CourseFactory(regimen_slug="romosozumab-210mg-monthly", started_on=dt.date(2024, 10, 1))
    for month in range(12):
        DoseFactory(course=romosozumab, on=dt.date(2024 + (9 + month) // 12, (9 + month) % 12 + 1, 1))
    assert sweep(at(dt.date(2025, 11, 1))).recorded == 0


# --- Care team: denosumab a month late ---------------------------------------------------------------------------


def test_care_team_told_once_when_denosumab_is_a_month_late(db, published):
    course = denosumab_given(dt.date(2025, 5, 1), user__first_name="Ada", user__last_name="Moss")  # due 1 Nov 2025
    on_team = ClinicianFactory()
    MembershipFactory(patient=course.patient, clinician=on_team)
    revoked = ClinicianFactory()
    MembershipFactory(
        patient=course.patient, clinician=revoked, assigned_at=at(dt.date(2025, 5, 1)), revoked_at=at(dt.date(2025, 6, 1))
    )
    ClinicianFactory()  # not on the team
    sweep(at(dt.date(2025, 11, 30)))  # 29 days late
    assert not DoseLateNotice.objects.exists()
    sweep(at(dt.date(2025, 12, 1)))  # one calendar month late (R11)
    notice = DoseLateNotice.objects.get()
    assert (notice.course_id, notice.due_on) == (course.pk, dt.date(2025, 11, 1))
    note = Notification.objects.get(recipient=on_team)
    assert note.title == "High priority: Ada Moss's Denosumab dose is 30 days late"
    assert note.url == reverse("medications:course-list", kwargs={"patient_id": course.patient_id})
    assert not Notification.objects.filter(recipient=revoked).exists()
    for day in (dt.date(2025, 12, 2), dt.date(2026, 2, 1)):
        sweep(at(day))
    assert DoseLateNotice.objects.count() == 1 and Notification.objects.filter(recipient=on_team).count() == 1
    # The next dose is given late; its own due date can bring one more notice.
    DoseFactory(course=course, on=dt.date(2026, 2, 2))
    sweep(at(dt.date(2026, 9, 2)))  # due 2 Aug 2026, a month late
    assert list(DoseLateNotice.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        dt.date(2025, 11, 1),
        dt.date(2026, 8, 2),
    ]
    assert Notification.objects.filter(recipient=on_team).count() == 2


def test_no_care_team_notice_for_other_late_clinic_doses(db, published):
    patient = PatientFactory()
    MembershipFactory(patient=patient)
    CourseFactory(patient=patient, regimen_slug=ZOLEDRONIC, started_on=dt.date(2025, 5, 1))
    sweep(at(dt.date(2025, 7, 1)))
    assert not DoseLateNotice.objects.exists()
    assert not Notification.objects.exclude(recipient=patient.user).exists()


def test_late_notice_rule_at_its_boundary():
    row = {"drug_slug": "denosumab", "noticed_due_on": None, "due_on": dt.date(2025, 1, 31)}
    kind = dose_kinds.DOSE_CLINIC
    assert kind.late_notices([{**row, "today": dt.date(2025, 2, 27)}]) == []
    assert len(kind.late_notices([{**row, "today": dt.date(2025, 2, 28)}])) == 1  # 31 Jan + 1 month, clamped
    assert kind.late_notices([{**row, "today": dt.date(2025, 3, 1), "noticed_due_on": dt.date(2025, 1, 31)}]) == []
    assert kind.late_notices([{**row, "today": dt.date(2025, 3, 1), "drug_slug": "zoledronic-acid"}]) == []


# --- Self-given doses ---------------------------------------------------------------------------------------------


def self_given(slug=RALOXIFENE, started_on=dt.date(2026, 11, 1), zone="America/Los_Angeles", **preference):
    patient = PatientFactory(user__time_zone=zone)
    if preference:
        NotificationPreference.objects.create(user=patient.user, **preference)
    return CourseFactory(patient=patient, regimen_slug=slug, started_on=started_on)


def test_self_given_reminder_at_the_chosen_local_time_in_app_only_by_default(db, published):
    course = self_given(dose_time=dt.time(7, 30))
    # 22 November 2026 is in Pacific Standard Time (UTC-8): 07:30 there is 15:30 UTC.
    assert sweep(at(dt.date(2026, 11, 22), 15, 29)).recorded == 0
    assert sweep(at(dt.date(2026, 11, 22), 15, 30)).recorded == 1
    reminder = Reminder.objects.get()
    assert (reminder.course_id, reminder.kind, reminder.due_on, reminder.stage) == (
        course.pk,
        "dose_self",
        dt.date(2026, 11, 22),
        0,
    )
    assert reminder.send_at == at(dt.date(2026, 11, 22), 15, 30)
    assert reminder.email_status == EmailStatus.SKIPPED and published == []
    assert Notification.objects.get().title == "Today is a dose day: Raloxifene"
    assert reminder.stage_label == "On the dose day"
    assert sweep(at(dt.date(2026, 11, 22), 23)).recorded == 0  # once a dose day
    assert sweep(at(dt.date(2026, 11, 23), 15, 30)).recorded == 1  # the next dose day
    assert list(Reminder.objects.order_by("due_on").values_list("due_on", flat=True)) == [
        dt.date(2026, 11, 22),
        dt.date(2026, 11, 23),
    ]


def test_default_dose_time_is_eight_in_the_morning_local(db, published):
    self_given(zone="Europe/Berlin")
    assert sweep(at(dt.date(2026, 11, 22), 6, 59)).recorded == 0  # 07:59 in Berlin
    assert sweep(at(dt.date(2026, 11, 22), 7)).recorded == 1


def test_only_on_dose_days_and_not_once_the_dose_is_ticked(db, published):
    weekly = self_given(slug=ALENDRONATE_WEEKLY, started_on=dt.date(2026, 11, 2), zone="UTC")  # Mondays
    assert sweep(at(dt.date(2026, 11, 22), 12)).recorded == 0  # a Sunday
    ticked = self_given(started_on=dt.date(2026, 11, 1), zone="UTC")
    Dose.objects.create(course=ticked, on=dt.date(2026, 11, 23), status="taken")  # taken before 08:00
    sweep(at(dt.date(2026, 11, 23), 12))
    assert list(Reminder.objects.values_list("course_id", "due_on")) == [(weekly.pk, dt.date(2026, 11, 23))]


def test_email_only_when_the_patient_opts_in(db, published):
    default = self_given(zone="UTC")
    opted_in = self_given(zone="UTC", dose_email=True)
    stopped = self_given(zone="UTC", dose_email=True, email=False)  # reminder emails stopped from a link
    email_only = self_given(zone="UTC", dose_email=True, dose_in_app=False)
    self_given(zone="UTC", dose_in_app=False)  # neither channel: nothing recorded
    sweep(at(dt.date(2026, 11, 22), 8))
    status = dict(Reminder.objects.values_list("course_id", "email_status"))
    assert status == {
        default.pk: EmailStatus.SKIPPED,
        opted_in.pk: EmailStatus.PENDING,
        stopped.pk: EmailStatus.SKIPPED,
        email_only.pk: EmailStatus.PENDING,
    }
    assert not Notification.objects.filter(recipient=email_only.patient.user).exists()
    assert sorted(published[0]) == sorted(Reminder.objects.filter(email_status=EmailStatus.PENDING).values_list("pk", flat=True))


def test_the_send_checks_the_dose_opt_in_again_and_names_the_drug(db, published):
    sent = self_given(zone="UTC", dose_email=True)
    withdrawn = self_given(zone="UTC", dose_email=True)
    now = at(dt.date(2026, 11, 22), 8)
    sweep(now)
    NotificationPreference.objects.filter(user=withdrawn.patient.user).update(dose_email=False)
    outcomes = send_reminder_emails(list(Reminder.objects.values_list("pk", flat=True)), now)
    by_course = {Reminder.objects.get(pk=pk).course_id: outcome for pk, outcome in outcomes.items()}
    assert by_course == {sent.pk: "sent", withdrawn.pk: EmailStatus.SKIPPED}
    assert [m.to for m in mail.outbox] == [[sent.patient.user.email]]
    assert "Raloxifene" in mail.outbox[0].subject


def test_a_dose_email_is_not_sent_once_the_dose_is_ticked(db, published):
    course = self_given(zone="UTC", dose_email=True)
    now = at(dt.date(2026, 11, 22), 8)
    sweep(now)
    Dose.objects.create(course=course, on=dt.date(2026, 11, 22), status="taken")
    assert list(send_reminder_emails([Reminder.objects.get().pk], now).values()) == [EmailStatus.SUPERSEDED]
    assert mail.outbox == []


# --- The service the medication pages call --------------------------------------------------------------------------


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, ids: calls.append((task.name, ids)))
    return calls


def test_dose_schedule_changed_records_when_each_due_date_became_known(db, enqueued):
    course = CourseFactory(regimen_slug=DENOSUMAB, started_on=dt.date(2024, 1, 1))  # no dose recorded: due at the start
    services.dose_schedule_changed(patient=course.patient)
    row = ReminderDueDate.objects.get(course=course)
    assert (row.patient_id, row.kind, row.due_on) == (course.patient_id, "dose_clinic", dt.date(2024, 1, 1))
    assert enqueued == [("reminders.sweep_reminders", [course.patient_id])]
    # Known long after its stages: one catch-up notice instead of six.
    later = row.known_since + dt.timedelta(days=2)
    sweep(later, enqueue=False)
    reminder = Reminder.objects.get()
    assert reminder.catch_up and reminder.stage == 28
    assert Notification.objects.get().title == "Your Denosumab dose is overdue"
    # The dose is given: the date moves on 6 months and the overdue notice is withdrawn.
    DoseFactory(course=course, on=later.date())
    services.dose_schedule_changed(patient=course.patient)
    assert ReminderDueDate.objects.get(course=course).due_on == add_months(later.date(), 6)
    assert Notification.objects.get().withdrawn_at is not None
    assert Reminder.objects.get().email_status == EmailStatus.SUPERSEDED
    # Stopped: no date any more.
    course.ended_on, course.stop_reason = later.date(), "finished"
    course.save()
    services.dose_schedule_changed(patient=course.patient)
    assert not ReminderDueDate.objects.filter(course=course).exists()


def test_dose_schedule_changed_keeps_known_since_when_the_date_did_not_move(db, enqueued):
    course = denosumab_given(dt.date(2025, 5, 1))
    services.dose_schedule_changed(patient=course.patient)
    first = ReminderDueDate.objects.get(course=course)
    services.dose_schedule_changed(patient=course.patient)
    again = ReminderDueDate.objects.get(course=course)
    assert (again.due_on, again.known_since) == (dt.date(2025, 11, 1), first.known_since)
    assert not ReminderDueDate.objects.filter(course__isnull=True).exists()  # the scan row is not touched


# --- Pages ----------------------------------------------------------------------------------------------------------


def reminders_url(patient) -> str:
    return reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})


def test_patient_chooses_dose_reminder_time_and_channels(patient_client, patient):
    # Weekly from three days ahead: the next dose day is still to come whatever the time of day.
    CourseFactory(patient=patient, regimen_slug=ALENDRONATE_WEEKLY, started_on=dt.date.today() + dt.timedelta(days=3))
    page = patient_client.get(reminders_url(patient))
    assert page.status_code == 200 and 'name="save_dose"' in page.content.decode()
    assert "Dose day: Alendronate" in page.content.decode()  # the next dose day is coming up
    response = patient_client.post(reminders_url(patient), {"save_dose": "1", "dose_email": "on", "dose_time": "06:45"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=patient.user)
    assert (preference.dose_in_app, preference.dose_email, preference.dose_time) == (False, True, dt.time(6, 45))
    assert (preference.email, preference.in_app) == (True, True)  # the other form's choices are left alone


def test_dose_reminder_time_is_validated(patient_client, patient):
    response = patient_client.post(reminders_url(patient), {"save_dose": "1", "dose_in_app": "on", "dose_time": "25:00"})
    assert response.status_code == 422
    assert response.context["dose_form"].errors["dose_time"] == ["Enter a valid time."]
    assert not NotificationPreference.objects.filter(user=patient.user).exists()
    seconds = patient_client.post(reminders_url(patient), {"save_dose": "1", "dose_in_app": "on", "dose_time": "07:15:42"})
    assert seconds.status_code == 302
    assert NotificationPreference.objects.get(user=patient.user).dose_time == dt.time(7, 15)


def test_clinician_sees_dose_reminder_choices_but_cannot_change_them(clinician_client, patient):
    page = clinician_client.get(reminders_url(patient))
    assert "Dose days: in BoneTrack <strong>on</strong>" in page.content.decode()
    response = clinician_client.post(reminders_url(patient), {"save_dose": "1", "dose_time": "06:00"})
    assert response.status_code == 403


@pytest.fixture
def sweep_on_commit(monkeypatch):
    """The sweep the service enqueues, run in the test's process after commit instead of through a broker."""
    monkeypatch.setattr(
        services, "enqueue_on_commit", lambda task, ids: transaction.on_commit(lambda: sweep(patient_ids=ids, enqueue=False))
    )


def test_ticking_a_dose_on_the_medication_page_withdraws_the_dose_day_reminder(
    patient_client, patient, sweep_on_commit, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=patient.user, dose_time=dt.time(0))  # already past today
    course = CourseFactory(patient=patient, regimen_slug=RALOXIFENE, started_on=dt.date(2026, 1, 5))
    sweep(enqueue=False)
    note = Notification.objects.get(reminder__course=course)
    url = reverse("medications:dose-tick", kwargs={"patient_id": patient.pk, "course_id": course.pk})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = patient_client.post(url)
    assert response.status_code == 302 and Dose.objects.filter(course=course).count() == 1
    assert len(callbacks) >= 1
    note.refresh_from_db()
    assert note.withdrawn_at is not None


def test_adding_a_clinic_given_course_records_its_due_date(
    patient_client, patient, sweep_on_commit, django_capture_on_commit_callbacks
):
    from bonetrack.treatment.models import Regimen

    url = reverse("medications:course-list", kwargs={"patient_id": patient.pk})
    data = {"regimen": Regimen.objects.get(slug=ZOLEDRONIC).pk, "started_on": "2024-03-04"}
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_client.post(url, data)
    assert response.status_code == 302
    row = ReminderDueDate.objects.get(course__patient=patient)
    assert (row.kind, row.due_on) == ("dose_clinic", dt.date(2024, 3, 4))
    # Already overdue when it was entered: the sweep after commit records nothing yet (the catch-up waits an hour).
    assert not Reminder.objects.exists()
