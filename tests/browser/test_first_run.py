"""A new patient's first run on a phone: the browser's time zone at sign-up, then the dashboard's checklist."""

import re

from axe_playwright_python.base import AXE_FILE_PATH
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from bonetrack.accounts.models import User
from tests.browser.test_accessibility import AXE_OPTIONS, FAILING_IMPACTS
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import PatientFactory

PHONE = {"width": 360, "height": 800}
PASSWORD = "a-long-first-run-test-password"


def test_a_new_patient_signs_up_with_the_browsers_zone_and_works_through_the_checklist(live_server, browser):
    context = browser.new_context(timezone_id="America/Chicago", viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("account_signup"))
    page.get_by_label("Email").fill("nell.pryce@example.org")
    page.get_by_label("First name").fill("Nell")
    page.get_by_label("Last name").fill("Pryce")
    page.get_by_label("Date of birth").fill("1960-02-03")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Menopausal status").select_option("post")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state("networkidle")
    user = User.objects.get(email="nell.pryce@example.org")
    assert (user.time_zone, user.time_zone_confirmed) == ("America/Chicago", False)

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group()
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("dashboard:patient-dashboard", kwargs={"patient_id": user.patient_profile.pk}))

    checklist = page.locator("#checklist")
    expect(checklist.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(checklist).to_contain_text("1 of 5 done")  # her profile, from sign-up
    zone_step = checklist.locator("li", has=page.get_by_role("heading", name=re.compile("Your time zone")))
    expect(zone_step).to_contain_text("Your time zone looks like America/Chicago")
    zone_step.get_by_role("button", name="Yes, that’s right").click()
    expect(page.locator("#messages")).to_contain_text("Time zone saved: America/Chicago.")
    expect(zone_step.get_by_role("heading")).to_have_text(re.compile(r"Your time zone\s+✓ Done"))

    scan_step = checklist.locator("li", has=page.get_by_role("heading", name=re.compile("bone density scan")))
    scan_step.get_by_role("button", name="I have not had one").focus()
    page.keyboard.press("Enter")
    expect(scan_step.get_by_role("heading")).to_have_text(re.compile(r"Your first bone density scan\s+✓ Done"))
    expect(scan_step).to_contain_text("You said you have not had a scan yet.")
    expect(page.locator(".dexa-panel")).to_contain_text("You have not had a bone density scan yet.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.wait_for_load_state("networkidle")
    user.refresh_from_db()
    assert user.time_zone_confirmed and user.patient_profile.no_scan_yet
    context.close()


def _axe_violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def test_an_old_zone_name_from_the_browser_is_offered_as_its_zone_and_another_can_be_chosen(live_server, browser):
    patient = PatientFactory()
    context = browser.new_context(timezone_id="Asia/Calcutta", viewport=PHONE)
    context.add_init_script(path=AXE_FILE_PATH)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(patient.user.email)
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(live_server.url + reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk}))
    expect(page.locator("#time-zone-prompt")).to_contain_text("Your time zone looks like Asia/Kolkata")
    page.wait_for_load_state("networkidle")
    assert _axe_violations(page) == []

    page.get_by_role("link", name="Choose another time zone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your time zone")
    select = page.get_by_role("combobox", name="Your time zone")
    expect(select).to_have_value("Asia/Kolkata")
    page.wait_for_load_state("networkidle")
    assert _axe_violations(page) == []
    select.select_option("Europe/London")
    page.get_by_role("button", name="Save my time zone").press("Enter")
    expect(page.locator("#messages")).to_contain_text("Time zone saved: Europe/London.")
    page.wait_for_load_state("networkidle")
    patient.user.refresh_from_db()
    assert (patient.user.time_zone, patient.user.time_zone_confirmed) == ("Europe/London", True)
    context.close()
