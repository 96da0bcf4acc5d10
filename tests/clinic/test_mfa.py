import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from django.urls import reverse

from bonetrack.accounts.demo_accounts import seed_demo_accounts
from bonetrack.clinic import demo
from bonetrack.clinic.totp import DEMO_TOTP_SECRET, totp_code
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


def test_sign_in_pages_stay_reachable_before_enrolment(client, db):
    client.force_login(ClinicianFactory())
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


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


def test_the_django_admin_sign_in_cannot_skip_the_code(client, db):
    admin = AdminFactory()
    TOTP.activate(admin, SECRET)
    response = client.post(
        reverse("admin:login"), {"username": admin.email, "password": PASSWORD, "next": reverse("admin:index")}
    )
    assert response.status_code == 302  # Django's own form accepts the password...
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302 and index.url.startswith(reverse("account_login"))  # ...but the session is refused


def test_a_code_from_the_previous_step_is_accepted(client, db):
    """Phone clocks drift and codes are typed at a step's edge: one 30-second step either side is accepted."""
    clinician = ClinicianFactory()
    TOTP.activate(clinician, SECRET)
    assert _sign_in(client, clinician).url == reverse("mfa_authenticate")
    previous = totp_code(SECRET, at=time.time() - 30)
    assert client.post(reverse("mfa_authenticate"), {"code": previous}).status_code == 302
    assert client.get(WORKLIST).status_code == 200
