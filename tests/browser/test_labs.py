import pytest
from playwright.sync_api import expect

from tests.factories import PatientFactory


@pytest.mark.parametrize("width", [1280, 360])
def test_patient_adds_a_result_deletes_it_and_undoes(live_server, sign_in, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    patient = PatientFactory(user__time_zone="Europe/London")
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/labs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lab results")

    # An implausible value: the error sits next to the field and the input is kept.
    page.get_by_label("Test:").select_option(label="25(OH)D (vitamin D)")
    page.get_by_label("Date the sample was taken:").fill("2024-05-01")
    page.get_by_label("Result:").fill("900")
    page.get_by_label("Unit:").select_option("nmol/L")
    page.get_by_role("button", name="Add result").click()
    expect(page.locator("#id_entered_value_error")).to_contain_text("at most 250 ng/mL (624 nmol/L)")
    expect(page.get_by_label("Result:")).to_have_value("900")

    page.get_by_label("Result:").fill("75")
    page.get_by_role("button", name="Add result").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("75 nmol/L")
    expect(row).to_contain_text("= 30 ng/mL")
    expect(row.locator(".badge")).to_have_text("At target")

    # Deleting asks nothing: the row says "Deleted." with Undo, which puts the result back.
    row.get_by_role("button", name="Delete").click()
    expect(row).to_contain_text("Deleted. 25(OH)D (vitamin D) 75 nmol/L")
    row.get_by_role("button", name="Undo").click()
    expect(page.locator("tbody tr").first.locator(".badge")).to_have_text("At target")
    expect(page.locator("tbody tr")).to_have_count(1)
