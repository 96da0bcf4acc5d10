"""Navigation on a 360 px phone: every destination on screen (behind the menu button), no sideways scrolling, and
touch targets of at least 44 x 44 px."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from bonetrack.core.navigation import CARE_TEAM_LINKS, PATIENT_TABS
from bonetrack.labs import rules
from tests.dexa.factories import make_scan
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory
from tests.labs.factories import LabResultFactory

PHONE = {"width": 360, "height": 800}
MIN_TARGET = 44
# The printable visit summary is a page of its own, with a link back instead of the navigation.
STANDALONE_PAGES = {"portability:summary"}


def _fully_on_screen(locator) -> None:
    """The element is visible and its whole box lies inside the 360 x 800 viewport."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (locator, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (locator, box)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], page.url


def _open_menu(nav) -> None:
    button = nav.locator("summary")
    expect(button).to_be_visible()
    button.click()
    expect(nav.locator("details")).to_have_attribute("open", "")


def test_a_patient_on_a_phone_reaches_every_page_from_the_menu(live_server, sign_in, page):
    patient = PatientFactory()
    # Records whose long values once pushed a page sideways (the visit summary's lab table).
    make_scan(patient, dt.date(2024, 3, 1), {"lumbar_spine": ("0.880", "-2.6"), "total_hip": ("0.700", "-2.1")})
    LabResultFactory(patient=patient, entered_value=Decimal("90"), entered_unit=rules.NMOL_L)
    LabResultFactory(patient=patient, test=rules.CALCIUM, entered_value=Decimal("2.38"), entered_unit=rules.MMOL_L)
    page.set_viewport_size(PHONE)
    sign_in(patient.user)
    for tab in PATIENT_TABS:
        page.goto(live_server.url + reverse(tab.url_name, kwargs={"patient_id": patient.pk}))
        _no_sideways_scroll(page)
        if tab.url_name in STANDALONE_PAGES:
            expect(page.get_by_role("link", name="Back to BoneTrack")).to_be_visible()
            continue
        nav = page.get_by_role("navigation", name="Main")
        # Closed, the menu button names the current page; none of the links takes room yet.
        expect(nav.locator("summary")).to_have_text(f"Menu, you are on: {tab.label}")
        expect(nav.get_by_role("link", name=tab.label, exact=True)).to_be_hidden()
        _open_menu(nav)
        for destination in PATIENT_TABS:
            _fully_on_screen(nav.get_by_role("link", name=destination.label, exact=True))
        current = nav.locator('a[aria-current="page"]')
        expect(current).to_have_count(1)
        expect(current).to_have_text(tab.label)
        _no_sideways_scroll(page)


def test_a_clinician_on_a_phone_sees_the_care_team_links_and_every_page_of_a_record(live_server, sign_in, page):
    clinician = ClinicianFactory()
    patient = PatientFactory(user__first_name="Rosa", user__last_name="Lund")
    MembershipFactory(patient=patient, clinician=clinician)
    page.set_viewport_size(PHONE)
    sign_in(clinician)
    for link in CARE_TEAM_LINKS:
        page.goto(live_server.url + reverse(link.url_name))
        main_nav = page.get_by_role("navigation", name="Main")
        for destination in CARE_TEAM_LINKS:
            _fully_on_screen(main_nav.get_by_role("link", name=destination.label, exact=True))
        expect(main_nav.locator('a[aria-current="page"]')).to_have_text(link.label)
        _no_sideways_scroll(page)
    page.goto(live_server.url + reverse("dexa:scan-list", kwargs={"patient_id": patient.pk}))
    record_nav = page.get_by_role("navigation", name="Patient record")
    expect(record_nav.locator("summary")).to_contain_text("Bone density")
    _open_menu(record_nav)
    for destination in PATIENT_TABS:
        _fully_on_screen(record_nav.get_by_role("link", name=destination.label, exact=True))
    expect(record_nav.locator('a[aria-current="page"]')).to_have_text("Bone density")
    _no_sideways_scroll(page)
    record_nav.get_by_role("link", name="Labs", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("labs:lab-list", kwargs={"patient_id": patient.pk}))


def test_on_a_wide_screen_the_pages_show_as_tabs_without_a_menu_button(live_server, sign_in, page):
    patient = PatientFactory()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(patient.user)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary")).to_be_hidden()
    for destination in PATIENT_TABS:
        expect(nav.get_by_role("link", name=destination.label, exact=True)).to_be_visible()
    # Two calm rows under the brand, not a column squeezed beside it.
    tops = {round(box["y"]) for box in (link.bounding_box() for link in nav.get_by_role("link").all())}
    assert len(tops) <= 2, tops
    nav.get_by_role("link", name="Labs", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("labs:lab-list", kwargs={"patient_id": patient.pk}))


def _assert_target(locator, what: str) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, (what, box)


def _smallest_text(page) -> float:
    """The smallest font size of the visible paragraphs, table cells and list items in the page's main part."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('main p, main td, main th, main li, main .small, main .badge')]
              .filter((el) => el.offsetParent !== null && el.textContent.trim())
              .map((el) => parseFloat(getComputedStyle(el).fontSize)))"""
    )


def test_key_targets_are_at_least_44_px_and_text_16_px_on_a_phone(live_server, sign_in, page):
    clinician = ClinicianFactory()
    patient = PatientFactory(user__first_name="Al", user__last_name="Ng")
    MembershipFactory(patient=patient, clinician=clinician)
    make_scan(patient, dt.date(2024, 3, 1), {"lumbar_spine": ("0.880", "-2.0")})
    page.set_viewport_size(PHONE)
    sign_in(clinician)
    page.goto(live_server.url + reverse("careteams:patient-list"))
    _assert_target(page.get_by_role("main").get_by_role("link", name="Al Ng"), "patient name (patient list)")
    assert _smallest_text(page) >= 16
    page.goto(live_server.url + reverse("clinic:worklist"))
    _assert_target(page.locator("#worklist-results").get_by_role("link", name="Al Ng"), "patient name (worklist)")
    assert _smallest_text(page) >= 16
    page.goto(live_server.url + reverse("dexa:scan-list", kwargs={"patient_id": patient.pk}))
    _assert_target(page.get_by_role("main").get_by_role("link", name="1 Mar 2024"), "scan date")
    _assert_target(page.get_by_role("navigation", name="Patient record").locator("summary"), "record menu button")
    assert _smallest_text(page) >= 16
    page.goto(live_server.url + reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    _assert_target(page.locator("#feed").get_by_role("link").first, "timeline event")
    _assert_target(page.get_by_role("button", name="Filter"), "small button")
    checkbox = page.locator(".timeline-kinds input[type=checkbox]").first
    box = checkbox.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    _assert_target(page.locator(".timeline-kinds label").first, "checkbox with its label")
    page.goto(live_server.url + reverse("exercise:history", kwargs={"patient_id": patient.pk}))
    _assert_target(page.get_by_role("main").get_by_role("table").get_by_role("link").first, "week")
    assert _smallest_text(page) >= 16
