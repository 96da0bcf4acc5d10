import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from playwright.sync_api import expect

from bonetrack.accounts.models import User
from bonetrack.clinic.devdata.totp import totp_code
from tests.factories import PASSWORD, AdminFactory

ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def admin(db, settings):
    settings.BONETRACK_REQUIRE_MFA = True
    cache.clear()  # allauth refuses a code already used within its 30 s window
    admin = AdminFactory(email="admin.ops@example.org")
    TOTP.activate(admin, ADMIN_SECRET)
    return admin


def test_a_new_clinician_enrols_with_javascript_on_and_reaches_the_worklist(live_server, page, sign_in, admin):
    bell_requests = []
    page.on("request", lambda request: bell_requests.append(request.url) if "/notifications/bell/" in request.url else None)

    # The admin signs in (password, then code) and creates the clinician in the admin.
    sign_in(admin)
    page.locator("input[name=code]").fill(totp_code(ADMIN_SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/admin/accounts/user/add/?role=clinician")
    page.get_by_label("Email").fill("nina.doctor@example.org")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Doctor")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.goto(f"{live_server.url}/")
    page.locator("details.menu summary").click()  # the account menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    clinician = User.objects.get(email="nina.doctor@example.org")
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
