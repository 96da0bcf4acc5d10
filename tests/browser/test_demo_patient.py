import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from bonetrack.accounts.devdata.demo_accounts import DEMO_PASSWORD
from bonetrack.accounts.models import User


@pytest.fixture
def demo_data(settings, transactional_db):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_the_demo_patient_signs_in_and_sees_their_dashboard(demo_data, live_server, sign_in):
    user = User.objects.get(email="patient@example.com")
    page = sign_in(user, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/patients/{user.patient_profile.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bone health")
    expect(page.get_by_role("banner")).to_contain_text("Margaret Hughes")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Care team")).to_be_visible()
