"""The risk factors page on a phone: Helen's demo answers and falls, a fall recorded, and one deleted after the
confirm prompt (JavaScript)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from bonetrack.accounts.devdata.demo_accounts import DEMO_PASSWORD
from bonetrack.accounts.models import Fall, User


@pytest.fixture
def demo_data(settings, transactional_db):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_helen_reads_her_advice_records_a_fall_and_deletes_one_at_360_px(demo_data, live_server, sign_in, page):
    page.set_viewport_size({"width": 360, "height": 780})
    user = User.objects.get(email="helen.park@example.com")
    sign_in(user, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/patients/{user.patient_profile.pk}/risk-factors/")
    advice = page.locator(".advice li")
    expect(advice).to_have_count(3)
    expect(advice.nth(0)).to_have_text("Stopping smoking helps your bones.")
    expect(page.get_by_text("Falls in the past 12 months: 2")).to_be_visible()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    form = page.locator("form", has=page.get_by_role("button", name="Record fall"))
    form.get_by_label("Date").fill("2024-03-02")
    form.get_by_label("Broke a bone").check()
    form.get_by_role("button", name="Record fall").click()
    expect(page.get_by_text("Recorded: fall on 2 Mar 2024.")).to_be_visible()
    fall = Fall.objects.get(patient=user.patient_profile, occurred_on="2024-03-02")
    assert (fall.injury, fall.fracture) == (True, True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete Fall, 2 Mar 2024").click()
    expect(page.get_by_text("Deleted: fall on 2 Mar 2024.")).to_be_visible()
    assert not Fall.objects.filter(pk=fall.pk).exists()
    assert Fall.objects.filter(patient=user.patient_profile).count() == 2
