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


@pytest.mark.parametrize("width", [1280, 360])
def test_the_demo_patient_reads_her_progress_between_her_last_two_scans(demo_data, live_server, sign_in, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    user = User.objects.get(email="patient@example.com")
    patient = user.patient_profile
    latest, previous = patient.dexa_scans.order_by("-scanned_on")[:2]
    earlier, later = f"{previous.scanned_on:%B %Y}", f"{latest.scanned_on:%B %Y}"
    sign_in(user, DEMO_PASSWORD)
    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is my plan working?")
    summary = page.locator(".progress-summary")
    expect(summary).to_have_text(
        re.compile(
            rf"^Between {earlier} and {later} your bone density was stable at all 3 sites measured\. "
            r"You took 100 % of your denosumab doses, met your calcium target on [1-9]\d? % of the \d{3} days you "
            r"logged food and met your exercise goals in [1-9]\d? of 10[45] weeks\.$"
        )
    )
    if width == 360:  # on a phone the pages sit behind the menu button, which names the current one
        menu_button = page.get_by_role("navigation", name="Main").locator("summary")
        expect(menu_button).to_contain_text("Progress")
        menu_button.click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress")).to_have_attribute(
        "aria-current", "page"
    )

    # Choosing "latest scan → today" swaps the report in place (htmx), without a page load.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Compare").select_option(value=f"{latest.pk}-today")
    expect(summary).to_have_text(re.compile(rf"^Since your last scan in {later} you took 100 % of your denosumab doses"))
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_role("heading", name="Bone density")).to_have_count(0)
