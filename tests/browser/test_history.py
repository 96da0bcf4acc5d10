"""The Back button after htmx page moves brings back whole pages."""

import re

from playwright.sync_api import expect

from tests.factories import PatientFactory

MOVES = 11  # one more than htmx's history cache holds (htmx.config.historyCacheSize is 10)


def test_back_after_more_htmx_moves_than_the_history_cache_holds_restores_whole_pages(live_server, sign_in, page):
    patient = PatientFactory()
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/exercise/")
    page.evaluate("window.__noReload = true")
    restores = []
    page.on("request", lambda request: restores.append(request.url) if "hx-history-restore-request" in request.headers else None)

    title = page.locator("#week-body .week-title")
    visited = [(page.url, title.inner_text())]
    for _ in range(MOVES):
        previous = page.locator("#week-body .week-nav a").first
        href = previous.get_attribute("href")
        previous.click()
        expect(page).to_have_url(re.compile(re.escape(href) + "$"))
        expect(title).not_to_have_text(visited[-1][1])
        visited.append((page.url, title.inner_text()))

    for url, week_title in reversed(visited[:-1]):
        page.go_back()
        expect(page).to_have_url(url)
        expect(title).to_have_text(week_title)
        # The whole page is there, not just the week that htmx swaps on each move.
        expect(page.get_by_role("heading", level=1)).to_have_text("Exercise")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.locator("#week-body")).to_have_count(1)

    assert restores, "no page was missing from htmx's history cache: the test did not exercise a restore"
    assert page.evaluate("window.__noReload") is True  # htmx restored the pages itself, without reloading

