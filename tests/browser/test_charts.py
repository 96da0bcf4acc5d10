"""Charts show values and nothing else: no toolbar (it offers to upload the chart), no zoom or pan, and a
swipe over a chart on a phone scrolls the page."""

from playwright.sync_api import expect

from tests.browser.test_dexa import _seed
from tests.factories import PASSWORD

CHART = "#dexa-chart-dash"


def test_charts_have_no_toolbar_and_never_zoom(live_server, sign_in, page):
    patient, _ = _seed()
    sign_in(patient.user)
    chart = page.locator(CHART)
    expect(chart).to_have_attribute("data-rendered", "true")
    chart.hover()
    expect(page.locator(".modebar")).to_have_count(0)
    settings = page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            const axes = Object.keys(el._fullLayout).filter((k) => /^[xy]axis\\d*$/.test(k));
            return {
                modeBar: el._context.displayModeBar,
                sendToCloud: el._context.showSendToCloud,
                scrollZoom: el._context.scrollZoom,
                dragmode: el._fullLayout.dragmode,
                fixed: axes.map((k) => el._fullLayout[k].fixedrange),
            };
        }""",
        CHART,
    )
    assert settings["modeBar"] is False
    assert settings["sendToCloud"] is False
    assert settings["scrollZoom"] is False
    assert settings["dragmode"] is False
    assert settings["fixed"] and all(settings["fixed"])
    # Keyboard users meet no buttons inside the chart.
    assert chart.locator("button, a[href], [tabindex]:not([tabindex='-1'])").count() == 0


def test_a_vertical_swipe_over_the_chart_scrolls_the_page_on_a_phone(live_server, sign_in, browser):
    patient, _ = _seed()
    context = browser.new_context(viewport={"width": 360, "height": 800}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(patient.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        chart = page.locator(CHART)
        expect(chart).to_have_attribute("data-rendered", "true")
        # Bring the chart to the middle of the screen, then swipe down over it (the page scrolls back up).
        page.evaluate(
            "(s) => window.scrollTo(0, document.querySelector(s).getBoundingClientRect().top + window.scrollY - 250)", CHART
        )
        page.wait_for_timeout(100)
        before = page.evaluate("window.scrollY")
        assert before > 200
        box = chart.bounding_box()
        # A finger put down over the chart and moved down the screen.
        cdp = context.new_cdp_session(page)
        x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 150)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for step in range(1, 11):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + step * 30}]})
            page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(300)
        assert page.evaluate("window.scrollY") < before - 100
        # A tap on a point still shows its values.
        point = chart.locator(".scatterlayer .point").first
        point.scroll_into_view_if_needed()
        point_box = point.bounding_box()
        page.touchscreen.tap(point_box["x"] + point_box["width"] / 2, point_box["y"] + point_box["height"] / 2)
        expect(chart.locator(".hoverlayer .hovertext").first).to_be_visible()
    finally:
        context.close()
