"""Idle sign-out with a tab left open: the bell's poll every minute is not activity."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import resolve, reverse
from django.utils import timezone

from bonetrack.core.middleware import SESSION_TOUCHED_KEY, background_poll, is_background_poll
from tests.factories import PatientFactory

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
POLL_SECONDS = 60


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, clock):
    """A patient who signed in and opened their dashboard at START."""
    patient = PatientFactory()
    client.force_login(patient.user)
    dashboard = reverse("dashboard:patient-dashboard", args=[patient.pk])
    assert client.get(dashboard).status_code == 200
    return dashboard


def _poll(client, page: str = "/"):
    return client.get(reverse("reminders:notification-bell"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}")


def _sent_to_sign_in(response, page: str) -> bool:
    """The poll takes the whole tab to the sign-in page, to come back to `page`, rather than pasting it into the bell."""
    target = urlsplit(response.get("HX-Redirect", ""))
    return response.status_code == 200 and target.path == reverse("account_login") and parse_qs(target.query) == {"next": [page]}


def _signed_in(client, dashboard) -> bool:
    response = client.get(dashboard)
    return response.status_code == 200


@pytest.mark.django_db
def test_a_tab_that_only_polls_is_signed_out_after_the_idle_limit(client, clock, signed_in, settings):
    session_key = client.session.session_key
    expiry = Session.objects.get(session_key=session_key).expire_date
    polls = settings.SESSION_COOKIE_AGE // POLL_SECONDS
    for _ in range(polls - 1):
        clock.shift(POLL_SECONDS)
        assert _poll(client).status_code == 200
        # Not one poll moved the expiry, not even those after the once-a-minute refresh interval.
        assert Session.objects.get(session_key=session_key).expire_date == expiry
    clock.shift(POLL_SECONDS)  # SESSION_IDLE_MINUTES after the last page
    assert _sent_to_sign_in(_poll(client, signed_in), signed_in)
    assert not Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now()).exists()
    assert not _signed_in(client, signed_in)


@pytest.mark.django_db
def test_pages_opened_while_the_bell_polls_keep_the_session(client, clock, signed_in, settings):
    # The same half hour as above, with a page opened every five minutes: activity, so the session lives on.
    for minute in range(1, settings.SESSION_COOKIE_AGE // POLL_SECONDS + 10):
        clock.shift(POLL_SECONDS)
        assert _poll(client).status_code == 200
        if minute % 5 == 0:
            assert _signed_in(client, signed_in)
    assert _signed_in(client, signed_in)


@pytest.mark.django_db
def test_other_session_writes_during_polls_do_not_extend_it(client, clock, signed_in, settings):
    """Whatever else saves the session meanwhile (a message, a flag) pushes its expiry back; the idle limit holds."""
    for minute in range(1, settings.SESSION_COOKIE_AGE // POLL_SECONDS + 1):
        clock.shift(POLL_SECONDS)
        session = client.session
        session["written-at-minute"] = minute
        session.save()
        if minute * POLL_SECONDS < settings.SESSION_COOKIE_AGE:
            assert _poll(client).status_code == 200
    # The row alone would still be valid for another half hour...
    assert Session.objects.get(session_key=client.session.session_key).expire_date > timezone.now()
    # ...but SESSION_IDLE_MINUTES have passed since the last page.
    assert _sent_to_sign_in(_poll(client, signed_in), signed_in)
    assert not _signed_in(client, signed_in)


@pytest.mark.django_db
def test_the_idle_clock_starts_at_sign_in_and_is_stamped_by_pages_only(client, clock, signed_in, settings):
    assert client.session[SESSION_TOUCHED_KEY] == int(START.timestamp())
    clock.shift(settings.SESSION_REFRESH_SECONDS)
    _poll(client)
    assert client.session[SESSION_TOUCHED_KEY] == int(START.timestamp())
    assert _signed_in(client, signed_in)
    assert client.session[SESSION_TOUCHED_KEY] == int(START.timestamp()) + settings.SESSION_REFRESH_SECONDS


def test_only_views_marked_as_background_polls_are_recognised(rf):
    request = rf.get("/")
    request.resolver_match = resolve(reverse("reminders:notification-bell"))
    assert is_background_poll(request)
    request.resolver_match = resolve(reverse("reminders:notification-list"))
    assert not is_background_poll(request)
    request.resolver_match = None  # a 404 before any view is still activity
    assert not is_background_poll(request)
    assert background_poll(lambda request: None).background_poll
