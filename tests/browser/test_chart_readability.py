"""The charts on a phone (360 × 800) and from a keyboard: labels at least 12 px that sit on neither the lines nor each
other, a time axis ending at the next scan due, nothing to tab to inside a chart and its table one Tab after it."""

import datetime as dt
import itertools
from decimal import Decimal as D

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from bonetrack.accounts.devdata.demo_accounts import DEMO_PASSWORD
from bonetrack.accounts.models import PatientProfile
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import PASSWORD, CourseFactory, PatientFactory

CHART = "#dexa-chart-dash"
PHONE = {"width": 360, "height": 800}
WIDE = {"width": 1280, "height": 900}

# Every label's box (page pixels), the plot area and the markers' centres, read from the drawn chart.
MEASURE = """(selector) => {
    const el = document.querySelector(selector);
    const frame = el.getBoundingClientRect();
    const size = el._fullLayout._size;
    const box = (node) => {
        const r = node.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    return {
        frame: box(el),
        plot: {left: frame.left + size.l, right: frame.left + size.l + size.w},
        labels: [...el.querySelectorAll(".annotation")].map((node) => ({text: node.textContent, ...box(node)})),
        texts: [...el.querySelectorAll(".annotation-text-g")].map((node) => ({text: node.textContent, ...box(node)})),
        points: [...el.querySelectorAll(".scatterlayer .point")].map((node) => {
            const r = node.getBoundingClientRect();
            return {x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
        }),
        fonts: el._fullLayout.annotations.filter((a) => a.visible).map((a) => a.font.size),
        otherFonts: [el._fullLayout.xaxis.tickfont.size, el._fullLayout.yaxis.tickfont.size, el._fullLayout.legend.font.size],
        xRange: el._fullLayout.xaxis.range,
        legend: [...el.querySelectorAll(".legendtext")].map((node) => node.textContent),
    };
}"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _open(browser, live_server, email: str, viewport: dict, password: str = PASSWORD):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")
    return context, page


@pytest.fixture
def crowded(transactional_db):
    """Two scans (four years and one year ago) with an improvement, a clinician's goal of −2.0 and three courses, two
    starting a month apart (their names would sit on each other) and running on to today."""
    today = dt.date.today()
    first, second = today.replace(day=1, year=today.year - 4), today.replace(day=1, year=today.year - 1)
    patient = PatientFactory(user__email="carol@example.org", goal_t_score=D("-2.0"))
    facility = FacilityFactory()
    make_scan(patient, first, {"lumbar_spine": ("0.790", "-2.9"), "femoral_neck": ("0.600", "-2.6")}, facility=facility)
    make_scan(patient, second, {"lumbar_spine": ("0.850", "-2.3"), "femoral_neck": ("0.620", "-2.4")}, facility=facility)
    refresh_next_scan_due(patient)
    CourseFactory(patient=patient, started_on=first, ended_on=first.replace(year=first.year + 1), stop_reason="finished")
    CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=second.replace(year=second.year - 1))
    CourseFactory(
        patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=second.replace(year=second.year - 1, month=2)
    )
    cache.clear()
    patient.refresh_from_db()
    assert patient.next_scan_due_on > today  # the courses, running to today, end before it
    return patient


def test_on_a_phone_every_label_is_readable_and_clear_of_lines_and_other_labels(crowded, live_server, browser):
    context, page = _open(browser, live_server, crowded.user.email, PHONE)
    try:
        expect(page.locator(CHART)).to_have_attribute("data-rendered", "true")
        drawn = page.evaluate(MEASURE, CHART)
        # Text at least 12 px: labels, ticks and legend.
        assert drawn["fonts"] and min(drawn["fonts"]) >= 12
        assert min(drawn["otherFonts"]) >= 12
        # The time axis ends at the next scan due (not years later).
        end = dt.date.fromisoformat(drawn["xRange"][1][:10])
        assert abs((end - crowded.next_scan_due_on).days) <= 3
        # The band names and the goal are in the legend on a phone, not on the plot.
        for name in ("Normal (T ≥ −1.0)", "Osteopenia (−2.5 < T < −1.0)", "Osteoporosis (T ≤ −2.5)", "Your goal: above −2.0"):
            assert name in drawn["legend"]
        texts = [label["text"] for label in drawn["labels"]]
        assert sorted(texts) == ["Alendronate", "Denosumab", "Raloxifene", "★ Improvement"]
        # No label on another label, none cut off at the chart's edges, none over a marker.
        labels = drawn["labels"]
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                assert not _overlap(a, b), (a, b)
            assert drawn["frame"]["left"] <= a["left"] and a["right"] <= drawn["frame"]["right"], a
        for text in drawn["texts"]:
            for point in drawn["points"]:
                clear = {"left": point["x"] - 5, "right": point["x"] + 5, "top": point["y"] - 5, "bottom": point["y"] + 5}
                assert not _overlap(text, clear), (text, point)
    finally:
        context.close()


def test_a_mark_on_the_last_scan_near_the_edge_stays_inside_the_chart(transactional_db, live_server, browser):
    """The latest scan shows the improvement and the next one is due soon: the point is at the right edge of the plot,
    the mark's label moves inside the chart and its arrow still points at the point."""
    today = dt.date.today()
    patient = PatientFactory(user__email="edna@example.org")
    facility = FacilityFactory()
    make_scan(patient, today.replace(year=today.year - 4), {"lumbar_spine": ("0.790", "-2.9")}, facility=facility)
    make_scan(patient, today - dt.timedelta(days=10), {"lumbar_spine": ("0.850", "-2.3")}, facility=facility)
    refresh_next_scan_due(patient)
    PatientProfile.objects.filter(pk=patient.pk).update(next_scan_due_on=today + dt.timedelta(days=20))
    cache.clear()
    context, page = _open(browser, live_server, patient.user.email, PHONE)
    try:
        expect(page.locator(CHART)).to_have_attribute("data-rendered", "true")
        drawn = page.evaluate(MEASURE, CHART)
        (mark,) = [label for label in drawn["labels"] if label["text"] == "★ Improvement"]
        last = max(drawn["points"], key=lambda point: point["x"])
        assert drawn["plot"]["right"] - last["x"] < 20  # the point is at the edge
        assert drawn["frame"]["left"] <= mark["left"] and mark["right"] <= drawn["frame"]["right"]
        tip = page.evaluate(
            "(s) => document.querySelector(s + ' .annotation-arrow-g path').getBoundingClientRect().right",
            CHART,
        )
        assert abs(tip - last["x"]) < 8  # the arrow's tip is at the point (the arrow leans left from it)
    finally:
        context.close()


def test_on_a_wide_screen_the_band_labels_sit_beside_the_plot(crowded, live_server, browser):
    context, page = _open(browser, live_server, crowded.user.email, WIDE)
    try:
        expect(page.locator(CHART)).to_have_attribute("data-rendered", "true")
        drawn = page.evaluate(MEASURE, CHART)
        beside = [label for label in drawn["labels"] if label["text"].startswith(("Normal", "Osteopenia", "Osteoporosis"))]
        assert len(beside) == 3
        assert all(drawn["plot"]["right"] < label["left"] and label["right"] <= drawn["frame"]["right"] for label in beside)
        assert "Normal (T ≥ −1.0)" not in drawn["legend"]
        labels = drawn["labels"]
        assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if _overlap(a, b)]
        # Turned into a phone-sized window, the chart draws again with the phone's layout.
        page.set_viewport_size(PHONE)
        expect(page.locator(CHART).locator(".legendtext", has_text="Normal (T ≥ −1.0)")).to_have_count(1)
        expect(page.locator(CHART).locator(".annotation", has_text="Osteopenia")).to_have_count(0)
    finally:
        context.close()


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True
    cache.clear()
    call_command("seed_demo", verbosity=0)
    return PatientProfile.objects.get(user__email="patient@example.com")


def _chart_pages(patient) -> dict[str, str]:
    kwargs = {"patient_id": patient.pk}
    return {
        reverse("dashboard:patient-dashboard", kwargs=kwargs): "details.dexa-table-details > summary",
        reverse("dexa:scan-list", kwargs=kwargs): "details.dexa-table-details > summary",
        reverse("nutrition:trends", kwargs=kwargs): "section[aria-labelledby='daily-heading'] summary",
        reverse("exercise:history", kwargs=kwargs): "#table-heading ~ .table-wrap a",
    }


# Counts the keyboard stops inside a chart and marks the last stop before it (document order, shown, in the tab order).
NEXT_STOP = """(chart) => {
    const stops = [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
        .filter((node) => node.tabIndex >= 0 && !node.disabled && node.getClientRects().length);
    const inside = stops.filter((node) => chart.contains(node)).length;
    const where = (node) => chart.compareDocumentPosition(node);
    const before = stops.filter((node) => !chart.contains(node) && where(node) & Node.DOCUMENT_POSITION_PRECEDING);
    const last = before[before.length - 1];
    if (last) last.setAttribute("data-before-chart", "");
    return {inside: inside};
}"""


def test_chart_pages_have_no_keyboard_stops_inside_charts_and_the_table_is_one_tab_after(demo, live_server, browser):
    context, page = _open(browser, live_server, demo.user.email, WIDE, password=DEMO_PASSWORD)
    axe = Axe()
    try:
        for viewport, (url, table) in itertools.product((WIDE, PHONE), _chart_pages(demo).items()):
            page.set_viewport_size(viewport)
            page.goto(live_server.url + url)
            charts = page.locator(".chart[data-figure]")
            assert charts.count() >= 1, url
            for index in range(charts.count()):
                expect(charts.nth(index)).to_have_attribute("data-rendered", "true")
            results = axe.run(
                page, options={"runOnly": {"type": "rule", "values": ["nested-interactive", "scrollable-region-focusable"]}}
            )
            assert results.violations_count == 0, f"{url} at {viewport['width']} px: {results.generate_report()}"
            # Nothing to tab to inside a chart; from the last stop before the last chart, one Tab reaches its table.
            last_chart = charts.nth(charts.count() - 1)
            for index in range(charts.count()):
                assert charts.nth(index).evaluate(NEXT_STOP)["inside"] == 0, url
            last_chart.evaluate(NEXT_STOP)
            page.locator("[data-before-chart]").focus()
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            assert page.locator(table).first.evaluate("(node) => node.contains(document.activeElement)"), (url, focused)
    finally:
        context.close()
