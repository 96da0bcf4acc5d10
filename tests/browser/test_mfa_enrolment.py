import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from playwright.sync_api import expect

from bonetrack.clinic.devdata.totp import totp_code
from tests.factories import PASSWORD, ClinicianFactory


@pytest.fixture
def mfa(db, settings):
    settings.BONETRACK_REQUIRE_MFA = True
    cache.clear()  # allauth refuses a code already used within its 30 s window


def test_a_clinician_without_an_authenticator_enrols_with_javascript_on_and_reaches_the_worklist(live_server, page, sign_in, mfa):
    bell_requests = []
    page.on("request", lambda request: bell_requests.append(request.url) if "/notifications/bell/" in request.url else None)

    # A clinician whose account has a password but no authenticator yet (e.g. an admin removed a lost one).
    clinician = ClinicianFactory(email="nina.doctor@example.org", first_name="Nina", last_name="Doctor")
    bell_requests.clear()

    # The clinician signs in and is asked to enrol: first the password again, then the secret and a code.
    sign_in(clinician)
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.wait_for_load_state("networkidle")  # anything the page loads after itself has been asked for by now
    expect(page.locator("#authenticator_secret")).to_have_count(1)  # one page, nothing nested in the header
    assert bell_requests == []
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    # The live server shares the in-memory SQLite connection: let the page's own requests (the bell) finish first.
    page.wait_for_load_state("networkidle")
    assert Authenticator.objects.filter(user=clinician, type="totp").exists()

    page.goto(f"{live_server.url}/clinic/worklist/")
    expect(page).to_have_url(re.compile(r"/clinic/worklist/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Worklist")
    expect(page.locator("#notification-bell")).to_have_count(1)  # the bell is back once the second factor is set up
