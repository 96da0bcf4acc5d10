from decimal import Decimal

import pytest
from playwright.sync_api import expect

from exercise.library import load_library
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory


@pytest.fixture(autouse=True)
def library(transactional_db):
    """The live server's database is flushed between tests, taking the data-migration rows with it."""
    load_library()


def _resistance_goal(page):
    return page.locator('#week-body [data-goal="resistance"] .goal-value strong')


def test_patient_logs_a_resistance_session_and_the_weekly_goal_moves(live_server, sign_in):
    patient = PatientFactory(user__time_zone="Europe/London")
    page = sign_in(patient.user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exercise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exercise")
    expect(_resistance_goal(page)).to_have_text("0 days")

    page.get_by_label("Exercise:").select_option(label="Resistance band workout")
    page.get_by_label("Sets:").fill("3")
    page.get_by_label("Reps:").fill("12")
    page.get_by_role("button", name="Log it").click()

    expect(page.locator("#messages")).to_contain_text("Logged resistance band workout: 3 × 12")
    expect(_resistance_goal(page)).to_have_text("1 day")
    expect(page.locator("#week-body")).to_contain_text("Resistance band workout")

    # A walk in the same session moves the weight-bearing goal too, without reloading the page.
    page.get_by_label("Exercise:").select_option(label="Brisk walking")
    page.get_by_label("Minutes:").fill("30")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator('#week-body [data-goal="weight_bearing"] .goal-value strong')).to_have_text("30 minutes")
    expect(page.locator("#week-body .session")).to_have_count(1)


def test_sit_ups_in_the_osteoporosis_range_are_confirmed_and_the_clinician_sees_the_flag(live_server, sign_in, page, monkeypatch):
    monkeypatch.setattr("exercise.safety.latest_lowest_t_score", lambda patient: Decimal("-2.7"))
    patient = PatientFactory()
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/exercise/")
    page.get_by_label("Exercise:").select_option(label="Sit-ups")
    page.get_by_label("Sets:").fill("2")
    page.get_by_label("Reps:").fill("10")
    page.get_by_role("button", name="Log it").click()

    warning = page.locator(".confirm-card")
    expect(warning).to_contain_text("T-score is −2.7 (osteoporosis range)")
    expect(warning).to_contain_text("Safer alternative: Prone back raise")
    warning.get_by_role("button", name="Log it anyway").click()
    expect(page.locator("#week-body .entry-flagged")).to_contain_text("Sit-ups")

    page.context.clear_cookies()
    sign_in(clinician)
    page.goto(f"{live_server.url}/patients/{patient.pk}/exercise/flags/")
    expect(page.get_by_role("table")).to_contain_text("Sit-ups")
    expect(page.get_by_role("table")).to_contain_text(patient.user.display_name)
