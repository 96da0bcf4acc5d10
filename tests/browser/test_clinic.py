import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from playwright.sync_api import expect

from bonetrack.clinic.devdata.totp import totp_code
from tests.factories import ClinicianFactory, FractureFactory, MembershipFactory, PatientFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _enter_code(page) -> None:
    """allauth's two-factor step after the password, for a user with an authenticator."""
    page.locator("input[name=code]").fill(totp_code(SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def clinic(db, settings):
    settings.BONETRACK_REQUIRE_MFA = True
    cache.clear()  # allauth refuses a code already used within its 30 s window
    clinician = ClinicianFactory(first_name="Sarah", last_name="Chen", email="sarah.chen@example.org")
    TOTP.activate(clinician, SECRET)
    today = dt.date.today()
    overdue = PatientFactory(user__first_name="Olive", user__last_name="Overdue", next_scan_due_on=today - dt.timedelta(days=20))
    soon = PatientFactory(user__first_name="Sam", user__last_name="Soon", next_scan_due_on=today + dt.timedelta(days=90))
    for patient in (overdue, soon):
        MembershipFactory(patient=patient, clinician=clinician)
    FractureFactory(patient=overdue, site="hip", occurred_on=dt.date(2022, 4, 2))
    return clinician, overdue


def test_clinician_finds_the_overdue_patient_writes_a_note_and_the_patient_sees_the_access(live_server, page, sign_in, clinic):
    clinician, overdue = clinic
    sign_in(clinician)
    _enter_code(page)
    expect(page).to_have_url(re.compile(r"/clinic/worklist/$"))
    table = page.locator("#worklist-results table")
    expect(table.locator("tbody tr")).to_have_count(2)

    page.get_by_label("Overdue").check()  # htmx swaps the results in
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Overdue by 20 days")
    expect(page).to_have_url(re.compile(r"filter=overdue"))

    page.get_by_role("link", name="Olive Overdue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline: Olive Overdue")
    expect(page.locator(".feed")).to_contain_text("Hip fracture")

    page.get_by_role("textbox", name="Note").fill("Overdue for a DXA: booked for next week.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#messages")).to_contain_text("Note added to the timeline.")
    expect(page.locator(".feed-item").first).to_contain_text("Overdue for a DXA: booked for next week.")

    page.context.clear_cookies()
    sign_in(overdue.user)
    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who viewed my record")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Sarah Chen")
    expect(page.locator("table")).to_contain_text("Created")
    expect(page.locator("table")).to_contain_text("Timeline")


def test_timeline_loads_older_events_in_place(live_server, page, sign_in, clinic):
    clinician, overdue = clinic
    for year in range(1990, 2020):
        FractureFactory(patient=overdue, occurred_on=dt.date(year, 1, 15), site="rib")
    sign_in(clinician)
    _enter_code(page)
    page.goto(f"{live_server.url}/patients/{overdue.pk}/timeline/")
    expect(page.locator(".feed-item")).to_have_count(20)
    page.get_by_role("link", name="Older events").click()
    expect(page.locator(".feed-item")).to_have_count(31)
    expect(page).to_have_url(re.compile(rf"/patients/{overdue.pk}/timeline/$"))  # swapped in place, no navigation
    expect(page.get_by_role("link", name="Older events")).to_have_count(0)
