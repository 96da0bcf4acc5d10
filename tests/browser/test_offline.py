"""Installable and offline: the service worker registers, a patient page loaded offline shows the offline page, and the
browser's caches hold nothing but the offline page and its static files."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.templatetags.static import static
from django.urls import reverse
from playwright.sync_api import expect

from bonetrack.core import pwa
from tests.dexa.factories import make_scan
from tests.factories import PatientFactory

PHONE = {"width": 360, "height": 800}

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""

CONTROLLED = """() => navigator.serviceWorker.controller ? true : new Promise((resolve) =>
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true)))"""


@pytest.mark.django_db(transaction=True)
def test_offline_a_patient_page_shows_the_offline_page_and_nothing_personal_is_cached(live_server, page, sign_in):
    patient = PatientFactory(user__first_name="Olive", user__last_name="Offline")
    scan = make_scan(patient, dt.date(2024, 5, 2), {"lumbar_spine": ("0.812", "-2.3")})
    page.set_viewport_size(PHONE)
    sign_in(patient.user)
    scan_url = f"{live_server.url}{reverse('dexa:scan-detail', kwargs={'patient_id': patient.pk, 'scan_id': scan.pk})}"
    dashboard_url = f"{live_server.url}{reverse('dashboard:patient-dashboard', kwargs={'patient_id': patient.pk})}"

    page.goto(dashboard_url)
    assert page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)") == f"{live_server.url}/"
    assert page.evaluate(CONTROLLED) is True
    page.goto(scan_url)  # a patient page, online, through the worker
    expect(page.get_by_role("heading", level=1)).not_to_have_text("You're offline")

    page.context.set_offline(True)
    page.goto(dashboard_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    expect(page.get_by_text("Your data is safe on the server.")).to_be_visible()
    expect(page.get_by_role("link", name="Try again")).to_be_visible()
    # Styled from the cache: the site's background colour, and no sideways scrolling at 360 px.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(245, 247, 248)"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert "Olive" not in page.content()

    cached = {urlsplit(url).path for url in page.evaluate(CACHED_URLS)}
    assert cached == {reverse("offline"), *(static(path) for path in pwa.OFFLINE_ASSETS)}
    assert not any("/patients/" in path for path in cached)

    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("You're offline")
    assert page.url == dashboard_url
