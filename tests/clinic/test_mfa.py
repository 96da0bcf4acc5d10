import importlib
import io
import re
import time
from urllib.parse import urlencode

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts
from bonetrack.clinic.devdata import demo
from bonetrack.clinic.devdata.totp import DEMO_TOTP_SECRET, totp_code
from bonetrack.clinic.mfa import decrypt_secret, encrypt_secret
from tests.factories import PASSWORD, AdminFactory, ClinicianFactory, PatientFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
WORKLIST = reverse("clinic:worklist")


@pytest.fixture(autouse=True)
def _require_mfa(settings):
    settings.BONETRACK_REQUIRE_MFA = True


def _sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_totp_codes_match_rfc_6238():
    # RFC 6238 appendix B, SHA-1, seed "12345678901234567890", truncated to 6 digits.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret, at=59) == "287082"
    assert totp_code(secret, at=1111111109) == "081804"
    assert totp_code(secret, at=2000000000) == "279037"


@pytest.mark.parametrize("factory", [ClinicianFactory, AdminFactory])
def test_clinicians_and_admins_without_totp_are_sent_to_enrolment(client, db, factory):
    client.force_login(factory())
    response = client.get(WORKLIST)
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_patients_are_never_asked(client, db):
    patient = PatientFactory()
    response = _sign_in(client, patient.user)
    assert response.status_code == 302
    assert client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth marks the enrolment on commit, as in production
def test_enrolling_lets_the_clinician_in(client):
    clinician = ClinicianFactory()
    assert _sign_in(client, clinician).status_code == 302
    assert client.get(WORKLIST).url == reverse("mfa_activate_totp")
    # allauth asks for the password once more before adding an authenticator.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=clinician, type="totp").exists()
    assert client.get(WORKLIST).status_code == 200


def test_with_totp_sign_in_asks_for_the_code(client, db):
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    response = _sign_in(client, clinician)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    # Not signed in yet: the worklist sends the visitor to sign in.
    assert client.get(WORKLIST).url.startswith(reverse("account_login"))
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(SECRET) != "000000" else "111111"})
    assert wrong.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert response.status_code == 302
    assert client.get(WORKLIST).status_code == 200


def test_a_session_that_skipped_the_code_is_signed_out(client, db):
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    client.force_login(clinician)  # no MFA step recorded in this session
    response = client.get(WORKLIST)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_sign_out_and_enrolment_stay_reachable_before_enrolment(client, db):
    client.force_login(ClinicianFactory())
    assert client.get(reverse("mfa_activate_totp")).url.startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("mfa_index")).url == reverse("mfa_activate_totp")
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_off_lets_force_login_through(client, db, settings):
    settings.BONETRACK_REQUIRE_MFA = False
    client.force_login(ClinicianFactory())
    assert client.get(WORKLIST).status_code == 200


def test_demo_accounts_are_enrolled_with_the_development_secret_idempotently(db, settings):
    context = seed_demo_accounts()
    demo.seed(context)
    demo.seed(context)
    authenticators = Authenticator.objects.filter(type="totp")
    assert sorted(a.user.email for a in authenticators) == ["admin@example.com", "clinician@example.com"]
    assert TOTP(authenticators[0]).validate_code(totp_code(DEMO_TOTP_SECRET))
    assert context.patient.clinical_notes.count() == len(demo.DEMO_NOTES)


def test_the_django_admin_sign_in_goes_through_the_code_step(client, db):
    admin = AdminFactory()
    TOTP.activate(admin, SECRET)
    response = client.post(
        reverse("admin:login"), {"username": admin.email, "password": PASSWORD, "next": reverse("admin:index")}
    )
    # Django's own password-only form is gone: the admin is sent to allauth's sign-in, and is not signed in.
    assert response.status_code == 302 and response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    signed_in = client.post(response.url, {"login": admin.email, "password": PASSWORD})
    assert signed_in.url == reverse("mfa_authenticate")
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert done.status_code == 302 and done.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_code_from_the_previous_step_is_accepted(client, db):
    """Phone clocks drift and codes are typed at a step's edge: one 30-second step either side is accepted."""
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    assert _sign_in(client, clinician).url == reverse("mfa_authenticate")
    previous = totp_code(SECRET, at=time.time() - 30)
    assert client.post(reverse("mfa_authenticate"), {"code": previous}).status_code == 302
    assert client.get(WORKLIST).status_code == 200


def _sign_in_with_code(client, user, code=None):
    assert _sign_in(client, user).url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code or totp_code(SECRET)})
    assert response.status_code == 302
    return response


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


# Signing in to the admin with the password alone, then swapping the authenticator.


def test_the_admin_password_alone_cannot_remove_the_authenticator(client, db):
    """The attack, played through HTTP: Django's admin sign-in, allauth's password confirmation, deactivation."""
    admin = AdminFactory()
    TOTP.activate(admin, SECRET)
    client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD, "next": reverse("admin:index")})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=admin, type="totp").exists()
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url_name",
    ["account_reauthenticate", "mfa_deactivate_totp", "mfa_activate_totp", "mfa_generate_recovery_codes", "mfa_index"],
)
def test_a_session_with_only_the_password_is_signed_out_of_the_account_pages(client, db, url_name):
    admin = AdminFactory()
    TOTP.activate(admin, SECRET)
    client.force_login(admin)  # signed in by a password form that skipped the code step
    response = client.post(reverse(url_name), {"password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert Authenticator.objects.filter(user=admin, type="totp").exists()


@pytest.mark.django_db(transaction=True)  # allauth reports the removal on commit, as in production
def test_removing_the_authenticator_takes_a_fresh_code_not_the_password(client):
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    _sign_in_with_code(client, clinician)
    # Confirming "it is you" is by code: the password confirmation sends the user to the code one.
    assert client.get(reverse("mfa_deactivate_totp")).url.startswith(reverse("mfa_reauthenticate"))
    by_password = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert by_password.status_code == 302 and by_password.url.startswith(reverse("mfa_reauthenticate"))
    assert client.post(reverse("mfa_deactivate_totp")).url.startswith(reverse("mfa_reauthenticate"))
    assert Authenticator.objects.filter(user=clinician, type="totp").exists()
    # A code from the next 30-second step: the one used to sign in cannot be used twice.
    confirmed = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(SECRET, at=time.time() + 30)})
    assert confirmed.status_code == 302
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=clinician, type="totp").exists()
    assert client.get(WORKLIST).url == reverse("mfa_activate_totp")  # and must enrol again before anything else


# Guessing codes.


def test_five_wrong_codes_lock_the_code_step_and_email_the_owner(client, db, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    clinician = ClinicianFactory(first_name="Ada", last_name="Okafor", time_zone="America/New_York")
    TOTP.activate(clinician, SECRET)
    assert _sign_in(client, clinician).url == reverse("mfa_authenticate")
    for attempt in range(1, 6):
        response = client.post(reverse("mfa_authenticate"), {"code": _wrong(totp_code(SECRET))})
        assert response.status_code == 200 and b"Incorrect code" in response.content, attempt
        assert len(mail.outbox) == (1 if attempt == 5 else 0), attempt
    message = mail.outbox[0]
    assert message.to == [clinician.email]
    assert "Two-factor sign-in paused" in message.subject
    assert "knows your password" in message.body and "127.0.0.1" in message.body
    assert re.search(r"at \d\d:\d\d E[SD]T\)", message.body)  # in the owner's time zone

    # The right code is refused now, also after starting the sign-in again, and no second email goes out.
    locked = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert locked.status_code == 200 and b"Too many incorrect codes" in locked.content
    client.cookies.clear()
    assert _sign_in(client, clinician).url == reverse("mfa_authenticate")
    again = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET, at=time.time() + 30)})
    assert b"Too many incorrect codes" in again.content
    assert client.get(WORKLIST).url.startswith(reverse("account_login"))
    assert len(mail.outbox) == 1


def test_the_code_lockout_is_per_person_and_ends_after_the_cool_off(client, db, settings):
    locked, other = ClinicianFactory(), ClinicianFactory()
    for user in (locked, other):
        TOTP.activate(user, SECRET)
    start = time.time()
    with time_machine.travel(start, tick=False) as traveller:
        _sign_in(client, locked)
        for _ in range(5):
            client.post(reverse("mfa_authenticate"), {"code": _wrong(totp_code(SECRET))})
        client.cookies.clear()
        _sign_in_with_code(client, other)  # someone else's code step is not affected
        client.cookies.clear()

        traveller.shift(settings.AXES_COOLOFF_TIME * 3600 + 1)
        _sign_in_with_code(client, locked)
        assert client.get(WORKLIST).status_code == 200


def test_a_right_code_clears_the_count(client, db):
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    _sign_in(client, clinician)
    for _ in range(4):
        client.post(reverse("mfa_authenticate"), {"code": _wrong(totp_code(SECRET))})
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)}).status_code == 302
    client.post(reverse("account_logout"))
    _sign_in(client, clinician)
    for _ in range(4):
        client.post(reverse("mfa_authenticate"), {"code": _wrong(totp_code(SECRET))})
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET, at=time.time() + 30)}).status_code == 302
    assert mail.outbox == []


# htmx requests and polling before the second factor.


def test_htmx_requests_before_enrolment_get_an_htmx_redirect_not_a_page(client, db):
    client.force_login(ClinicianFactory())
    response = client.get(reverse("reminders:notification-bell"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
    assert response.content == b""


def test_htmx_requests_from_a_session_that_skipped_the_code_sign_it_out(client, db):
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    client.force_login(clinician)
    response = client.get(
        reverse("reminders:notification-bell"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{WORKLIST}"
    )
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"{reverse('account_login')}?{urlencode({'next': WORKLIST})}"
    assert "_auth_user_id" not in client.session


def test_nothing_polls_on_the_pages_before_the_second_factor(client, db):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    for url_name in ("account_reauthenticate", "mfa_activate_totp"):
        if url_name == "mfa_activate_totp":
            client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = client.get(reverse(url_name))
        assert page.status_code == 200
        assert "hx-trigger" not in page.content.decode() and 'id="notification-bell"' not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_bell_is_back_once_enrolled(client):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    assert 'id="notification-bell"' in client.get(WORKLIST).content.decode()


def test_the_enrolment_secret_stays_the_same_across_page_loads(client, db):
    client.force_login(ClinicianFactory())
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    first = client.get(reverse("mfa_activate_totp")).context["form"].secret
    second = client.get(reverse("mfa_activate_totp"))
    assert second.context["form"].secret == first == client.session[SECRET_SESSION_KEY]
    assert first in second.content.decode()
    wrong = client.post(reverse("mfa_activate_totp"), {"code": _wrong(totp_code(first))})
    assert wrong.context["form"].secret == first  # a mistyped code does not replace it either


# Secrets at rest.


@pytest.mark.django_db(transaction=True)
def test_enrolment_stores_the_secret_and_recovery_seed_encrypted(client):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    assert client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}).status_code == 302
    stored = Authenticator.objects.get(user=clinician, type="totp").data["secret"]
    assert secret not in stored and decrypt_secret(stored) == secret
    seed = Authenticator.objects.get(user=clinician, type="recovery_codes").data["seed"]
    assert not re.fullmatch(r"[0-9a-f]{80}", seed) and re.fullmatch(r"[0-9a-f]{80}", decrypt_secret(seed))

    # Signing in again with a code from that secret still works.
    client.post(reverse("account_logout"))
    assert _sign_in(client, clinician).url == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, at=time.time() + 30)}).status_code == 302
    assert client.get(WORKLIST).status_code == 200


def test_the_encryption_keys_rotate(db, settings):
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = ["old-key-for-tests-only"]
    token = encrypt_secret(SECRET)
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = ["new-key-for-tests-only", "old-key-for-tests-only"]
    assert decrypt_secret(token) == SECRET
    assert decrypt_secret(encrypt_secret(SECRET)) == SECRET
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = ["new-key-for-tests-only"]
    with pytest.raises(ImproperlyConfigured):
        decrypt_secret(token)


def test_the_default_key_comes_from_the_secret_key(db, settings):
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = []
    token = encrypt_secret(SECRET)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-secret-key-for-tests-only"
    assert decrypt_secret(token) == SECRET


def test_the_migration_encrypts_plain_secrets_once_and_reverses(db):
    migration = importlib.import_module("bonetrack.clinic.migrations.0003_encrypt_mfa_secrets")
    clinician = ClinicianFactory()
    seed = "ab" * 40
    Authenticator.objects.bulk_create(
        [
            Authenticator(user=clinician, type="totp", data={"secret": SECRET}),
            Authenticator(user=clinician, type="recovery_codes", data={"seed": seed, "used_mask": 3}),
        ]
    )
    migration.encrypt_secrets(django_apps, None)
    migration.encrypt_secrets(django_apps, None)  # running it again does not encrypt twice
    totp = Authenticator.objects.get(user=clinician, type="totp")
    codes = Authenticator.objects.get(user=clinician, type="recovery_codes")
    assert totp.data["secret"] != SECRET and decrypt_secret(totp.data["secret"]) == SECRET
    assert decrypt_secret(codes.data["seed"]) == seed and codes.data["used_mask"] == 3
    assert TOTP(totp).validate_code(totp_code(SECRET))

    migration.decrypt_secrets(django_apps, None)
    assert Authenticator.objects.get(user=clinician, type="totp").data == {"secret": SECRET}
    assert Authenticator.objects.get(user=clinician, type="recovery_codes").data == {"seed": seed, "used_mask": 3}


def test_rotating_the_key_re_encrypts_every_secret(db, settings):
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = ["old-key-for-tests-only"]
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = ["new-key-for-tests-only", "old-key-for-tests-only"]
    call_command("rotate_mfa_secrets", stdout=io.StringIO())
    settings.BONETRACK_MFA_ENCRYPTION_KEYS = ["new-key-for-tests-only"]  # the old key is no longer needed
    assert TOTP(Authenticator.objects.get(user=clinician, type="totp")).validate_code(totp_code(SECRET))
