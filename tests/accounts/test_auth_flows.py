"""Sign-up, email verification, login, logout, password reset and change, and throttling, through HTTP."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from bonetrack.accounts.models import PatientProfile, User
from tests.factories import PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "femur-lattice-stride-42"  # a test-only value for the reset and change flows


def _link(message) -> str:
    """The one link to this site in an email's body, as a path."""
    urls = re.findall(r"https?://[^\s]+", message.body)
    assert len(urls) == 1, urls
    return re.sub(r"^https?://[^/]+", "", urls[0])


def _signed_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def _signup_data(**overrides) -> dict:
    return {
        "email": "new.patient@example.org",
        "first_name": "Nora",
        "last_name": "Quinn",
        "date_of_birth": "1962-03-14",
        "sex": "female",
        "menopausal_status": "post",
        "time_zone": "Europe/Dublin",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    } | overrides


def _login(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


class TestSignUp:
    def test_sign_up_creates_a_patient_and_asks_to_verify_the_email(self, client):
        response = client.post(reverse("account_signup"), _signup_data())
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")

        user = User.objects.get(email="new.patient@example.org")
        assert (user.role, user.first_name, user.last_name, user.time_zone) == ("patient", "Nora", "Quinn", "Europe/Dublin")
        profile = PatientProfile.objects.get(user=user)
        assert str(profile.date_of_birth) == "1962-03-14"
        assert (profile.sex, profile.menopausal_status) == ("female", "post")
        assert EmailAddress.objects.get(user=user).verified is False
        # Not signed in until the address is verified.
        assert _signed_in_user_id(client) is None
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["new.patient@example.org"]
        assert mail.outbox[0].subject.startswith("[BoneTrack] ")

    def test_an_unverified_account_cannot_sign_in(self, client):
        client.post(reverse("account_signup"), _signup_data())
        client.logout()
        mail.outbox.clear()
        response = _login(client, "new.patient@example.org", NEW_PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert _signed_in_user_id(client) is None

    def test_following_the_confirm_link_verifies_and_signs_in(self, client):
        client.post(reverse("account_signup"), _signup_data())
        link = _link(mail.outbox[0])
        assert link.startswith("/accounts/confirm-email/")

        page = client.get(link)
        assert page.status_code == 200
        assert b"new.patient@example.org" in page.content
        response = client.post(link)
        assert response.status_code == 302

        user = User.objects.get(email="new.patient@example.org")
        assert EmailAddress.objects.get(user=user).verified is True
        assert _signed_in_user_id(client) == user.pk
        dashboard = client.get("/", follow=True)
        assert dashboard.redirect_chain[-1][0] == reverse("dashboard:patient-dashboard", args=[user.patient_profile.pk])

    def test_invalid_sign_up_keeps_the_input_and_saves_nothing(self, client):
        response = client.post(reverse("account_signup"), _signup_data(date_of_birth="2090-01-01", password2="different-pass-1"))
        assert response.status_code == 200
        assert not User.objects.filter(email="new.patient@example.org").exists()
        assert "date_of_birth" in response.context["form"].errors
        assert 'value="Nora"' in response.content.decode()
        assert len(mail.outbox) == 0


class TestLoginLogout:
    def test_login_with_email_and_password(self, client):
        patient = PatientFactory()
        response = _login(client, patient.user.email, PASSWORD)
        assert response.status_code == 302
        assert _signed_in_user_id(client) == patient.user.pk

    def test_wrong_password_is_refused(self, client):
        patient = PatientFactory()
        response = _login(client, patient.user.email, "not-the-password")
        assert response.status_code == 200
        assert _signed_in_user_id(client) is None
        assert response.context["form"].errors

    def test_logout_ends_the_session(self, client):
        patient = PatientFactory()
        _login(client, patient.user.email, PASSWORD)
        response = client.post(reverse("account_logout"))
        assert response.status_code == 302
        assert _signed_in_user_id(client) is None
        dashboard = client.get(reverse("dashboard:patient-dashboard", args=[patient.pk]))
        assert dashboard.status_code == 302
        assert dashboard.url.startswith(reverse("account_login"))


class TestPasswords:
    def test_password_reset_by_email(self, client):
        patient = PatientFactory()
        response = client.post(reverse("account_reset_password"), {"email": patient.user.email})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        link = _link(mail.outbox[0])
        assert link.startswith("/accounts/password/reset/key/")

        # allauth moves the key into the session and redirects to a key-less URL.
        form_page = client.get(link, follow=True)
        assert form_page.status_code == 200
        set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
        response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("account_reset_password_from_key_done")

        client.logout()
        assert _login(client, patient.user.email, PASSWORD).status_code == 200  # old password refused
        assert _signed_in_user_id(client) is None
        assert _login(client, patient.user.email, NEW_PASSWORD).status_code == 302
        assert _signed_in_user_id(client) == patient.user.pk

    def test_password_reset_for_an_unknown_address_sends_no_reset_link(self, client):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
        assert response.status_code == 302  # same answer as for a real account: addresses are not confirmed
        assert all("/password/reset/key/" not in message.body for message in mail.outbox)

    def test_password_change(self, client):
        patient = PatientFactory()
        client.force_login(patient.user)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        patient.user.refresh_from_db()
        assert patient.user.check_password(NEW_PASSWORD)
        assert _signed_in_user_id(client) == patient.user.pk  # still signed in after the change

    def test_password_change_needs_the_current_password(self, client):
        patient = PatientFactory()
        client.force_login(patient.user)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": "a-wrong-guess-1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 200
        assert "oldpassword" in response.context["form"].errors
        patient.user.refresh_from_db()
        assert patient.user.check_password(PASSWORD)


class TestThrottling:
    def test_five_failures_lock_the_account_even_for_the_right_password(self, client, settings):
        assert settings.AXES_FAILURE_LIMIT == 5
        patient = PatientFactory()
        for attempt in range(1, 5):
            response = _login(client, patient.user.email, f"wrong-guess-{attempt}")
            assert response.status_code == 200, f"attempt {attempt} should only be refused"
            assert b"Too many sign-in attempts" not in response.content
        locked = _login(client, patient.user.email, "wrong-guess-5")
        assert locked.status_code == 429
        assert b"Too many sign-in attempts" in locked.content

        still_locked = _login(client, patient.user.email, PASSWORD)
        assert still_locked.status_code == 429
        assert b"Too many sign-in attempts" in still_locked.content
        assert _signed_in_user_id(client) is None

    def test_a_lockout_does_not_affect_another_account(self, client):
        locked, other = PatientFactory(), PatientFactory()
        for attempt in range(5):
            _login(client, locked.user.email, f"wrong-guess-{attempt}")
        assert _login(client, other.user.email, PASSWORD).status_code == 302
        assert _signed_in_user_id(client) == other.user.pk

    def test_changing_the_case_of_the_address_does_not_dodge_a_lockout(self, client):
        patient = PatientFactory()
        for attempt in range(5):
            _login(client, patient.user.email, f"wrong-guess-{attempt}")
        assert _login(client, patient.user.email.upper(), PASSWORD).status_code == 429
        assert _signed_in_user_id(client) is None
