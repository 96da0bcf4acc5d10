"""Phones (360 px) and wide screens: negative scores typed with a typographic minus, the exercise week in words, error
pages with a way back, and a worklist that uses the whole width."""

import datetime as dt
from decimal import Decimal as D

from django.urls import reverse
from playwright.sync_api import expect

from dexa.models import DexaScan
from tests.dexa.factories import FacilityFactory
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

PHONE = {"width": 360, "height": 780}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_negative_score_typed_with_a_minus_sign_is_saved_on_a_phone(live_server, sign_in, page):
    patient = PatientFactory()
    FacilityFactory(name="Riverside Clinic")
    page.set_viewport_size(PHONE)
    sign_in(patient.user)
    page.goto(live_server.url + reverse("dexa:scan-add", kwargs={"patient_id": patient.pk}))
    page.get_by_label("Scan date").fill("2024-03-01")
    page.get_by_label("Facility:", exact=True).select_option(label="Riverside Clinic")
    page.get_by_label("Scanner make").select_option("hologic")
    spine = page.get_by_role("group", name="Lumbar spine (L1–L4)")
    t_score = spine.get_by_label("T-score")
    expect(t_score).to_have_attribute("type", "text")
    expect(t_score).to_have_attribute("inputmode", "text")
    spine.get_by_label("BMD (g/cm²)").fill("0.880")
    t_score.press_sequentially("\u22122.0")  # the minus sign, as iOS and report PDFs give it
    spine.get_by_label("Z-score").press_sequentially("\u20130.5")  # an en dash
    expect(t_score).to_have_value("\u22122.0")  # a number box would have dropped it
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Save scan").click()
    expect(page).to_have_url(live_server.url + reverse("dexa:scan-list", kwargs={"patient_id": patient.pk}))
    # The live server shares the in-memory SQLite connection: let the page's own requests (the bell) finish first.
    page.wait_for_load_state("networkidle")
    measurement = DexaScan.objects.get(patient=patient).measurements.get()
    assert (measurement.t_score, measurement.z_score) == (D("-2.0"), D("-0.5"))


def test_exercise_week_reads_in_words_on_a_phone(live_server, sign_in, page):
    patient = PatientFactory()
    today = dt.date.today()
    session = ExerciseSessionFactory(patient=patient, date=today)
    SessionEntryFactory(session=session, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8)
    SessionEntryFactory(session=session, exercise=library_exercise("brisk-walking"), minutes=30)
    page.set_viewport_size(PHONE)
    sign_in(patient.user)
    page.goto(live_server.url + reverse("exercise:week", kwargs={"patient_id": patient.pk}))
    expect(page.locator('[data-goal="resistance"] .goal-value')).to_have_text("1 day (goal: 2)")
    expect(page.locator('[data-goal="posture"] .goal-value')).to_have_text("0 days (goal: every day)")
    today_marks = page.locator(".day.is-today .mark")
    expect(today_marks).to_have_text(["Resistance", "Weight-bearing"])
    for mark in today_marks.all():
        expect(mark).to_be_visible()
    _no_sideways_scroll(page)


def test_error_pages_offer_a_way_back(live_server, sign_in, page):
    patient = PatientFactory()
    page.set_viewport_size(PHONE)
    sign_in(patient.user)
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    page.get_by_role("link", name="Go to your dashboard").click()
    expect(page).to_have_url(live_server.url + reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk}))
    page.goto(live_server.url + reverse("clinic:worklist"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't open this page")
    _no_sideways_scroll(page)


def test_worklist_uses_a_wide_screen_and_still_fits_a_phone(live_server, sign_in, page):
    clinician = ClinicianFactory()
    for n in range(3):
        MembershipFactory(patient=PatientFactory(user__last_name=f"Wide{n}"), clinician=clinician)
    page.set_viewport_size({"width": 1800, "height": 900})
    sign_in(clinician)
    page.goto(live_server.url + reverse("clinic:worklist"))
    results = page.locator("#worklist-results")
    expect(results.locator("tbody tr")).to_have_count(3)
    assert results.bounding_box()["width"] > 1600  # was capped at the 1120 px column
    page.set_viewport_size(PHONE)
    page.reload()
    expect(results.locator("tbody tr")).to_have_count(3)
    _no_sideways_scroll(page)
