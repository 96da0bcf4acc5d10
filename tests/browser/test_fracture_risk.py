"""The fracture risk page on a phone and a desktop: a FRAX result refused then recorded, the flags it raises, the
calculator link, the tab in the patient navigation, and a result deleted after the confirm prompt (JavaScript)."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from bonetrack.risk.models import FraxResult
from tests.dexa.factories import ScanFactory
from tests.factories import PatientFactory


@pytest.mark.parametrize("width", [1280, 360])
def test_patient_records_a_frax_result_sees_the_flags_and_deletes_it(live_server, sign_in, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    patient = PatientFactory(user__time_zone="Europe/London")
    ScanFactory(patient=patient, scanned_on=dt.date(2024, 6, 1), category="osteopenia", lowest_t_score=Decimal("-2.1"))
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    menu_button = page.get_by_role("navigation", name="Main").locator("summary")
    if width == 360:  # on a phone the pages sit behind the menu button
        menu_button.click()
    page.get_by_role("link", name="Fracture risk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fracture risk")
    if width == 360:
        expect(menu_button).to_contain_text("Fracture risk")
        menu_button.click()
    expect(page.get_by_role("link", name="Fracture risk", exact=True)).to_have_attribute("aria-current", "page")
    calculator = page.get_by_role("link", name="official FRAX calculator (opens in a new tab)")
    expect(calculator).to_have_attribute("target", "_blank")
    expect(calculator).to_have_attribute("rel", "noopener")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Hip above major: the message sits next to the hip field and what was typed stays.
    page.get_by_label("Date:").fill("2025-01-15")
    page.get_by_label("Major osteoporotic fracture (%):").fill("22")
    page.get_by_label("Hip fracture (%):").fill("25")
    page.get_by_role("button", name="Record result").click()
    expect(page.locator("#id_hip_percent_error")).to_contain_text("can't be higher than the major fracture risk")
    expect(page.get_by_label("Major osteoporotic fracture (%):")).to_have_value("22")

    page.get_by_label("Hip fracture (%):").fill("3.1")
    page.get_by_role("button", name="Record result").click()
    expect(page.locator("tbody tr").first).to_contain_text("15 Jan 2025")
    expect(page.locator('[data-flag="treatment-threshold"]')).to_contain_text("Meets the treatment threshold")
    assert FraxResult.objects.filter(patient=patient).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete").first.click()
    expect(page.locator("section:has(#frax-history) tbody tr")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_text("No FRAX results recorded.")).to_be_visible()
    assert not FraxResult.objects.exists()
