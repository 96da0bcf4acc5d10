"""The edit pages on a phone: no serious accessibility violation, nothing wider than the screen, a refused value keeps
what was typed and takes the focus."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from bonetrack.clinic.models import ClinicalNote, NoteRevision
from nutrition.models import Food
from tests.browser.test_accessibility import SIZES, Report, _context
from tests.factories import PASSWORD, ClinicianFactory, FractureFactory, MembershipFactory, PatientFactory
from tests.labs.factories import LabResultFactory
from tests.nutrition.factories import CalciumSupplementFactory


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def record(transactional_db):
    patient = PatientFactory()
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    lab = LabResultFactory(patient=patient, entered_by=patient.user)
    LabResultFactory(patient=patient, entered_by=clinician, taken_on=dt.date(2023, 1, 5))
    fracture = FractureFactory(patient=patient, recorded_by=patient.user)
    FractureFactory(patient=patient, recorded_by=clinician, site="hip", occurred_on=dt.date(2021, 6, 1))
    supplement = CalciumSupplementFactory(patient=patient)
    food = Food.objects.create_custom(
        owner=patient,
        description="Oat drink",
        per_100g={"calcium_mg": Decimal(120)},
        serving_name="glass",
        serving_grams=Decimal(200),
    )
    note = ClinicalNote.objects.create(patient=patient, author=clinician, body="Calcium 1,200 mg a day.")
    NoteRevision.objects.create(note=note, body="Calcium 600 mg a day.", edited_by=clinician)
    ClinicalNote.objects.filter(pk=note.pk).update(edited_at=note.created_at)
    ids = {"patient_id": patient.pk}
    pages = {
        patient.user.email: [
            reverse("labs:lab-list", kwargs=ids),
            reverse("labs:lab-edit", kwargs=ids | {"lab_id": lab.pk}),
            reverse("patients:fracture-list", kwargs=ids),
            reverse("patients:fracture-edit", kwargs=ids | {"fracture_id": fracture.pk}),
            reverse("nutrition:supplement-list", kwargs=ids),
            reverse("nutrition:supplement-edit", kwargs=ids | {"supplement_id": supplement.pk}),
            reverse("nutrition:custom-food-list", kwargs=ids),
            reverse("nutrition:custom-food-edit", kwargs=ids | {"food_id": food.pk}),
        ],
        clinician.email: [
            reverse("clinic:timeline", kwargs=ids),
            reverse("clinic:note-edit", kwargs=ids | {"note_id": note.pk}),
        ],
    }
    return {"patient": patient, "lab": lab, "pages": pages}


def test_edit_pages_are_accessible_and_fit_a_phone(record, live_server, browser):
    report = Report()
    for size in SIZES:
        for email, paths in record["pages"].items():
            context = _context(browser, size)
            page = context.new_page()
            _sign_in(page, live_server.url, email)
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.ok, f"{path}: HTTP {response.status}"
                page.evaluate("() => document.querySelectorAll('main details').forEach(d => { d.open = true; })")
                report.check(page, f"{email} {path} at {size}", path, size)
                if size == "phone":
                    width = page.evaluate("() => document.documentElement.scrollWidth")
                    assert width <= SIZES["phone"]["width"], f"{path} is {width} px wide on a phone"
            context.close()
    assert not report.lines, "Serious or critical accessibility violations:\n" + "\n".join(report.lines)


def test_a_refused_value_keeps_the_input_and_takes_the_focus(record, live_server, browser):
    context = _context(browser, "phone")
    page = context.new_page()
    _sign_in(page, live_server.url, record["patient"].user.email)
    lab = record["lab"]
    page.goto(live_server.url + reverse("labs:lab-edit", kwargs={"patient_id": lab.patient_id, "lab_id": lab.pk}))
    page.get_by_label("Result").fill("900")
    page.get_by_label("Notes").fill("Typed on a phone")
    page.get_by_label("Notes").press("Tab")  # to Save, by keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.name") == "entered_value"
    assert page.get_by_label("Result").input_value() == "900"
    assert page.get_by_label("Notes").input_value() == "Typed on a phone"
    lab.refresh_from_db()
    assert lab.entered_value == Decimal("32")
    context.close()
