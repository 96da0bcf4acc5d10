import datetime as dt
import re

from playwright.sync_api import expect

from dexa.models import DexaScan
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

BANDS = ("Normal", "T ≥ −1.0", "Osteopenia", "−2.5 < T < −1.0", "Osteoporosis", "T ≤ −2.5")


def _seed():
    patient = PatientFactory(user__email="margaret@example.org")
    facility = FacilityFactory(name="Riverside Clinic")
    make_scan(
        patient, dt.date(2018, 3, 1), {"lumbar_spine": ("0.790", "-2.9"), "femoral_neck": ("0.600", "-2.6")}, facility=facility
    )
    make_scan(
        patient, dt.date(2021, 3, 1), {"lumbar_spine": ("0.850", "-2.3"), "femoral_neck": ("0.620", "-2.4")}, facility=facility
    )
    refresh_next_scan_due(patient)
    return patient, facility


def test_patient_sees_the_chart_adds_a_scan_and_a_clinician_verifies_it(live_server, sign_in, page, browser):
    patient, _ = _seed()
    clinician = ClinicianFactory(email="dr@example.org")
    MembershipFactory(patient=patient, clinician=clinician)
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    sign_in(patient.user)
    chart = page.locator("#dexa-chart-dash")
    expect(chart).to_have_attribute("data-rendered", "true")
    # Three bands, the two edge lines and the goal line (R13), named in the legend at the default goal's osteoporosis line.
    expect(chart.locator(".shapelayer path")).to_have_count(6)
    expect(chart.locator(".legendtext", has_text="Your goal: above −2.5")).to_contain_text("(the osteoporosis line)")
    for label in BANDS:
        expect(chart.locator(".annotation-text", has_text=label).first).to_be_visible()
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2)
    expect(chart.locator(".legendtext", has_text="Femoral neck")).to_be_visible()
    expect(page.get_by_text("Moved out of the osteoporosis range").first).to_be_visible()

    # Add a scan: a wrong value is caught inline, then corrected and saved.
    page.get_by_role("link", name="Add a scan").click()
    page.get_by_label("Scan date").fill("2024-03-01")
    page.get_by_label("Facility:", exact=True).select_option(label="Riverside Clinic")
    page.get_by_label("Scanner make").select_option("hologic")
    spine = page.get_by_role("group", name="Lumbar spine (L1–L4)")
    spine.get_by_label("BMD (g/cm²)").fill("3.1")
    spine.get_by_label("T-score").click()
    expect(page.get_by_text("BMD must be between 0.200 and 2.000 g/cm².")).to_be_visible()
    spine = page.get_by_role("group", name="Lumbar spine (L1–L4)")
    spine.get_by_label("BMD (g/cm²)").fill("0.880")
    spine.get_by_label("T-score").fill("-2.0")
    page.get_by_role("button", name="Save scan").click()
    expect(page).to_have_url(re.compile(rf"/patients/{patient.pk}/scans/$"))
    expect(page.get_by_text("Saved: DEXA scan of 1 Mar 2024")).to_be_visible()
    assert DexaScan.objects.filter(patient=patient).count() == 3

    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    chart = page.locator("#dexa-chart-dash")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator(".scatterlayer .trace").first.locator(".point")).to_have_count(3)
    expect(page.locator(".dexa-card", has_text="Lowest T-score")).to_contain_text("-2.0")
    expect(page.locator(".dexa-card", has_text="Change since the last scan")).to_contain_text("Significant gain")
    expect(page.locator(".dexa-card", has_text="Next scan due")).to_contain_text("1 Mar 2026")
    assert console_errors == []

    # The clinician verifies it.
    scan = DexaScan.objects.get(patient=patient, scanned_on=dt.date(2024, 3, 1))
    context = browser.new_context()
    other = context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.get_by_label("Email").fill(clinician.email)
    other.get_by_label("Password").fill("correct-horse-battery-9")
    other.get_by_role("button", name="Sign In").click()
    other.goto(f"{live_server.url}/patients/{patient.pk}/scans/{scan.pk}/")
    expect(other.get_by_text("Self-reported, not yet verified")).to_be_visible()
    other.get_by_role("button", name="Verify against the report").click()
    expect(other.get_by_text("Verified: DEXA scan of 1 Mar 2024")).to_be_visible()
    expect(other.locator(".dexa-revisions")).to_contain_text("Verified by")
    context.close()
