import datetime as dt

import pytest
from playwright.sync_api import expect

from bonetrack.core.timezones import local_today
from bonetrack.treatment.models import Dose
from tests.factories import PatientFactory, catalogue_regimen


@pytest.mark.parametrize("width", [1280, 360])
def test_patient_adds_a_course_and_ticks_todays_dose_and_the_adherence_bar_moves(live_server, sign_in, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    catalogue_regimen("raloxifene-60mg-daily")
    patient = PatientFactory(user__time_zone="Europe/London")
    started = local_today(patient.user) - dt.timedelta(days=3)  # 4 daily doses scheduled, today's included
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/medications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medication")
    expect(page.locator("#courses .empty")).to_contain_text("No medication recorded yet.")

    page.get_by_label("Medication:").select_option(label="Raloxifene 60 mg daily")
    page.get_by_label("Started on:").fill(started.isoformat())
    page.get_by_role("button", name="Add course").click()
    course = page.locator("#courses .course").first
    expect(course.get_by_role("heading", level=3)).to_have_text("Raloxifene 60 mg daily")
    so_far = course.locator(".adherence").first
    expect(so_far).to_contain_text("0%")
    expect(so_far).to_contain_text("(0 of 4 doses)")
    expect(so_far.locator("meter")).to_have_attribute("value", "0")

    # One tap: htmx swaps the course cards in place (no page load), and the bar moves.
    page.evaluate("window.notReloaded = true")
    course.get_by_role("button", name="Today's Raloxifene dose: taken").click()
    expect(so_far.locator("meter")).to_have_attribute("value", "25")
    expect(so_far).to_contain_text("(1 of 4 doses)")
    expect(course.locator(".dose-done")).to_contain_text("Today's dose: taken")
    assert page.evaluate("window.notReloaded") is True
    assert Dose.objects.filter(course__patient=patient, on=local_today(patient.user), status="taken").count() == 1
