import re

from playwright.sync_api import expect

from tests.factories import PatientFactory


def test_patient_signs_in_and_lands_on_their_dashboard(live_server, sign_in):
    patient = PatientFactory(user__first_name="Margaret", user__email="margaret@example.org")
    page = sign_in(patient.user)
    expect(page).to_have_url(re.compile(rf"/patients/{patient.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bone health")
    dashboard_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    expect(dashboard_link).to_have_attribute("aria-current", "page")
