"""Confirming or choosing the time zone (the checklist's last step), and the zone detected at sign-up."""

import json
import re

import pytest
from django.urls import reverse

from bonetrack.accounts.models import User
from bonetrack.patients.services import profile_update
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    patient = PatientFactory()
    client.force_login(patient.user)
    return patient


def _url(patient) -> str:
    return reverse("dashboard:time-zone", kwargs={"patient_id": patient.pk})


def test_confirming_a_zone_saves_it_and_marks_it_confirmed(client, newcomer):
    response = client.post(_url(newcomer), {"time_zone": "Europe/London"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:patient-dashboard", kwargs={"patient_id": newcomer.pk}) + "#checklist"
    newcomer.user.refresh_from_db()
    assert (newcomer.user.time_zone, newcomer.user.time_zone_confirmed) == ("Europe/London", True)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Mars/Olympus_Mons", "Choose a time zone from the list, such as Europe/London."),
        ("localtime", "Choose a time zone from the list, such as Europe/London."),
        ("", "This field is required."),
        ("W-SU", "W-SU is an old name for Europe/Moscow: choose Europe/Moscow from the list."),
    ],
)
def test_a_zone_not_on_the_list_is_refused_next_to_the_field(client, newcomer, value, message):
    response = client.post(_url(newcomer), {"time_zone": value})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    newcomer.user.refresh_from_db()
    assert (newcomer.user.time_zone, newcomer.user.time_zone_confirmed) == ("UTC", False)


def test_the_dashboard_carries_what_the_browser_needs_to_offer_its_zone(client, newcomer):
    html = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": newcomer.pk})).content.decode()
    assert '<template id="time-zone-prompt-template" data-date-style="dmy">' in html
    assert "Your time zone looks like <strong data-zone-name></strong>" in html
    aliases = json.loads(re.search(r'<script id="time-zone-aliases" type="application/json">(.*?)</script>', html).group(1))
    assert aliases["Asia/Calcutta"] == "Asia/Kolkata"  # what some browsers still report
    assert "W-SU" in aliases and "localtime" not in aliases and "Europe/London" not in aliases


def test_a_confirmed_zone_needs_no_alias_list(client, newcomer):
    User.objects.filter(pk=newcomer.user_id).update(time_zone_confirmed=True)
    html = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": newcomer.pk})).content.decode()
    assert "time-zone-aliases" not in html


def test_choose_another_preselects_the_detected_zone(client, newcomer):
    html = client.get(_url(newcomer), {"detected": "America/Chicago"}).content.decode()
    assert "<h1>Your time zone</h1>" in html
    assert '<option value="America/Chicago" selected>' in html


def test_the_page_shows_a_stored_old_name_as_its_zone(client, newcomer):
    User.objects.filter(pk=newcomer.user_id).update(time_zone="US/Eastern")
    html = client.get(_url(newcomer)).content.decode()
    assert '<option value="America/New_York" selected>' in html


def _signup(client, **overrides):
    data = {
        "email": "nell@example.org",
        "first_name": "Nell",
        "last_name": "Pryce",
        "date_of_birth": "1960-02-03",
        "sex": "female",
        "menopausal_status": "post",
        "password1": "a-long-sign-up-password",
        "password2": "a-long-sign-up-password",
    } | overrides
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    return User.objects.get(email="nell@example.org")


@pytest.mark.parametrize(
    ("detected", "saved"),
    [
        ("America/Chicago", "America/Chicago"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("localtime", "UTC"),
        ("not a zone", "UTC"),
        ("", "UTC"),
    ],
)
def test_sign_up_saves_the_detected_zone_unconfirmed(client, detected, saved):
    user = _signup(client, time_zone=detected)
    assert (user.time_zone, user.time_zone_confirmed) == (saved, False)


def test_sign_up_without_a_detected_zone_falls_back_to_utc(client):
    assert _signup(client).time_zone == "UTC"


def test_the_sign_up_page_detects_the_zone_with_a_script_file(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert '<input type="hidden" name="time_zone" value="UTC" data-detect-time-zone' in html
    assert "js/timezone.js" in html
    assert '<select name="time_zone"' not in html


def test_saving_the_profile_confirms_the_time_zone_it_shows():
    patient = PatientFactory(user__time_zone_confirmed=False)
    patient.user.time_zone = "Europe/London"
    profile_update(patient=patient, user=patient.user)
    patient.user.refresh_from_db()
    assert (patient.user.time_zone, patient.user.time_zone_confirmed) == ("Europe/London", True)
