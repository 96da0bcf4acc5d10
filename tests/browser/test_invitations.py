"""A new clinician joins from an administrator's invitation: nobody but them ever knows their password."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from bonetrack.accounts.models import User
from bonetrack.clinic.devdata.totp import totp_code
from tests.factories import AdminFactory

ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEW_PASSWORD = "my-own-test-phrase-42"
LINK = re.compile(r"https?://[^/\s]+(/invitations/staff/[A-Za-z0-9_-]+/)")


@pytest.fixture
def admin(db, settings):
    settings.BONETRACK_REQUIRE_MFA = True
    cache.clear()  # allauth refuses a code already used within its 30 s window
    admin = AdminFactory(email="admin.ops@example.org")
    TOTP.activate(admin, ADMIN_SECRET)
    return admin


def test_admin_invites_a_clinician_who_sets_a_password_enrols_and_reaches_the_worklist(live_server, page, sign_in, admin):
    # The admin signs in (password, then code) and invites the clinician from the user list.
    sign_in(admin)
    page.locator("input[name=code]").fill(totp_code(ADMIN_SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.get_by_role("link", name="Invite a clinician").click()
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_label("Email address").fill("nina.doctor@example.org")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Doctor")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Invitation emailed to nina.doctor@example.org")
    page.goto(f"{live_server.url}/")
    page.locator("details.menu summary").click()  # the account menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    # The clinician opens the link from the email and chooses a password.
    (message,) = [m for m in mail.outbox if m.to == ["nina.doctor@example.org"]]
    page.goto(live_server.url + LINK.search(message.body).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join BoneTrack")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type it again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    # Straight on to two-factor enrolment, without typing the password again.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.wait_for_load_state("networkidle")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    page.wait_for_load_state("networkidle")
    clinician = User.objects.get(email="nina.doctor@example.org")
    assert clinician.role == "clinician" and clinician.check_password(NEW_PASSWORD)
    assert Authenticator.objects.filter(user=clinician, type="totp").exists()

    page.get_by_role("link", name="Worklist").click()
    expect(page).to_have_url(re.compile(r"/clinic/worklist/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Worklist")

    # The link was single use.
    page.goto(live_server.url + LINK.search(message.body).group(1))
    expect(page.get_by_role("alert")).to_contain_text("already been used")
