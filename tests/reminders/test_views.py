"""The bell, the notification list, mark-as-read, the reminders page with channels, and the unsubscribe link."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bonetrack.reminders.delivery import unsubscribe_token
from bonetrack.reminders.models import Notification, NotificationPreference, Reminder, ReminderDueDate
from bonetrack.reminders.sweep import sweep
from tests.dexa.factories import make_scan
from tests.factories import PatientFactory

from .conftest import move_due_date


@pytest.fixture
def notes(patient):
    return [
        Notification.objects.create(recipient=patient.user, title=f"Reminder {i}", body="Due soon", url="/") for i in range(3)
    ]


def test_bell_shows_the_unread_count(patient_client, notes, django_assert_max_num_queries):
    Notification.objects.filter(pk=notes[0].pk).update(read_at=timezone.now())
    Notification.objects.create(recipient=PatientFactory().user, title="someone else's")
    with django_assert_max_num_queries(9):  # 8 for session, user, savepoints and navigation; 1 count
        response = patient_client.get(reverse("reminders:notification-bell"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<span class="bell-count">2<span class="visually-hidden"> unread</span>' in html
    assert 'hx-trigger="every 60s"' in html
    # Without htmx the bell is just a link to the list.
    assert patient_client.get(reverse("reminders:notification-bell")).url == reverse("reminders:notification-list")


def test_every_page_has_the_bell_without_querying_for_it(patient_client, patient):
    html = patient_client.get(reverse("patients:profile", kwargs={"patient_id": patient.pk})).content.decode()
    assert 'id="notification-bell" href="/notifications/"' in html
    assert 'hx-trigger="load, every 60s"' in html


def test_list_shows_only_my_notifications(patient_client, notes, django_assert_max_num_queries):
    Notification.objects.create(recipient=PatientFactory().user, title="Not for you")
    with django_assert_max_num_queries(9):
        response = patient_client.get(reverse("reminders:notification-list"))
    html = response.content.decode()
    assert [n.title for n in response.context["notifications"]] == ["Reminder 2", "Reminder 1", "Reminder 0"]
    assert "Not for you" not in html and "3 unread." in html


def test_mark_one_as_read_with_htmx_returns_the_row_and_the_bell(patient_client, notes):
    url = reverse("reminders:notification-read", kwargs={"notification_id": notes[1].pk})
    response = patient_client.post(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="notification-{notes[1].pk}"' in html and "Mark as read" not in html
    assert 'hx-swap-oob="true"' in html and '<span class="bell-count">2' in html
    notes[1].refresh_from_db()
    assert notes[1].read_at is not None
    # Without JS: a redirect back to the list.
    response = patient_client.post(reverse("reminders:notification-read", kwargs={"notification_id": notes[0].pk}))
    assert response.status_code == 302 and response.url == reverse("reminders:notification-list")


def test_mark_all_as_read(patient_client, notes, patient):
    other = Notification.objects.create(recipient=PatientFactory().user, title="other")
    patient_client.post(reverse("reminders:notification-read-all"))
    assert not Notification.objects.for_user(patient.user).unread().exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_reminders_page_shows_history_upcoming_and_saves_channels(patient_client, patient, django_assert_max_num_queries):
    patient.user.time_zone = "Europe/London"
    patient.user.save()
    move_due_date(patient, timezone.localdate() + dt.timedelta(days=10))
    # Known for two months, so its "30 days before" stage was sent in its time.
    ReminderDueDate.objects.filter(patient=patient).update(known_since=timezone.now() - dt.timedelta(days=60))
    sweep(enqueue=False)
    url = reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(14):  # 13, plus headroom for a clinician audit row
        response = patient_client.get(url)
    html = response.content.decode()
    assert "Scan: 30 days before" in html or "Bone density scan: 30 days before" in html
    assert [row["stage"] for row in response.context["upcoming"]] == [
        "On the due date",
        "Overdue reminder 1 of 3",
        "Overdue reminder 2 of 3",
        "Overdue reminder 3 of 3",
    ]
    assert response.context["upcoming"][0]["when"].hour == 9
    response = patient_client.post(url, {"in_app": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=patient.user)
    assert (preference.email, preference.in_app) == (False, True)


def test_clinician_sees_channels_but_cannot_change_them(clinician_client, patient):
    url = reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk})
    html = clinician_client.get(url).content.decode()
    assert "Only the patient can change this." in html
    assert clinician_client.post(url, {"in_app": "on"}).status_code == 403
    assert not NotificationPreference.objects.filter(user=patient.user).exists()


def test_unsubscribe_asks_then_stops_emails_without_signing_in(client, patient):
    url = reverse("reminders:unsubscribe", kwargs={"token": unsubscribe_token(patient.user)})
    page = client.get(url)
    assert page.status_code == 200 and "Stop reminder emails" in page.content.decode()
    assert not NotificationPreference.objects.filter(user=patient.user).exists()  # a GET (link scanner) changes nothing
    response = client.post(url)
    assert "will not email reminders" in response.content.decode()
    preference = NotificationPreference.objects.get(user=patient.user)
    assert preference.email is False and preference.in_app is True and preference.email_stopped_at is not None


def test_one_click_unsubscribe_post_from_a_mail_provider(client, patient):
    """RFC 8058: a POST with List-Unsubscribe=One-Click, no cookie and no CSRF token."""
    from django.test import Client

    provider = Client(enforce_csrf_checks=True)
    url = reverse("reminders:unsubscribe", kwargs={"token": unsubscribe_token(patient.user)})
    response = provider.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=patient.user).email is False


def test_bad_unsubscribe_signature_is_rejected(client, patient):
    token = unsubscribe_token(patient.user)
    response = client.post(reverse("reminders:unsubscribe", kwargs={"token": token[:-4] + "AAAA"}))
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=patient.user).exists()


def test_turning_email_back_on_clears_the_stop(patient_client, patient):
    NotificationPreference.objects.create(user=patient.user, email=False, email_stopped_at=timezone.now())
    patient_client.post(reverse("reminders:reminder-list", kwargs={"patient_id": patient.pk}), {"email": "on", "in_app": "on"})
    preference = NotificationPreference.objects.get(user=patient.user)
    assert preference.email and preference.email_stopped_at is None


def test_saving_a_new_due_date_enqueues_a_sweep_for_that_patient(db, monkeypatch):
    from bonetrack.patients.services import profile_update
    from bonetrack.reminders import services
    from dexa.services import refresh_next_scan_due

    calls = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args: calls.append((task.name, args)))
    patient = PatientFactory()
    patient.weight_kg = 60
    profile_update(patient=patient, user=patient.user)
    assert calls == []  # unrelated change
    make_scan(patient, dt.date(2025, 1, 1), {"lumbar_spine": ("0.800", "-2.6")})
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2027, 1, 1)
    assert calls == [("reminders.sweep_reminders", ([patient.pk],))]
    assert Reminder.objects.count() == 0
