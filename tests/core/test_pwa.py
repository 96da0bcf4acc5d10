"""Installable on a phone: the manifest, the service worker (which keeps only the offline page) and the offline page."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image

from bonetrack.core import pwa

pytestmark = pytest.mark.django_db


def _static_path(url: str) -> str:
    path = finders.find(url.removeprefix(static("")))
    assert path, f"{url} is not a static file"
    return path


def _service_worker(client) -> tuple:
    response = client.get("/sw.js")
    return response, response.content.decode()


def _precache(source: str) -> list[str]:
    return json.loads(re.search(r"^const PRECACHE = (\[.*\]);$", source, re.M).group(1))


def test_the_manifest_is_served_as_a_manifest_and_complete(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "BoneTrack" and manifest["short_name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    css = Path(_static_path(static("css/bonetrack.css"))).read_text(encoding="utf-8")
    assert f"--primary: {manifest['theme_color']};" in css
    assert f"--bg: {manifest['background_color']};" in css
    found = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        with Image.open(_static_path(icon["src"])) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        found.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any")} <= found
    assert any(purpose == "maskable" for _, purpose in found)


def test_the_maskable_icon_fills_its_square_and_the_apple_icon_is_180_px_without_transparency():
    with Image.open(_static_path(static("icons/icon-maskable-512.png"))) as image:
        corners = [image.convert("RGBA").getpixel(xy) for xy in ((0, 0), (511, 0), (0, 511), (511, 511))]
    assert all(pixel[3] == 255 for pixel in corners)
    with Image.open(_static_path(static(pwa.APPLE_TOUCH_ICON))) as image:
        assert image.size == (180, 180) and image.mode == "RGB"


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_the_manifest_theme_colour_touch_icon_and_the_worker_script(client, patient, signed_in):
    if signed_in:
        client.force_login(patient.user)
    response = client.get(reverse("account_login") if not signed_in else reverse("reminders:notification-list"))
    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert f'<meta name="theme-color" content="{pwa.THEME_COLOR}">' in html
    assert f'<link rel="apple-touch-icon" href="{static(pwa.APPLE_TOUCH_ICON)}">' in html
    assert f'<script src="{static("js/sw-register.js")}" data-service-worker="/sw.js" defer></script>' in html
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_the_register_script_registers_the_worker_for_the_whole_site():
    source = Path(_static_path(static("js/sw-register.js"))).read_text(encoding="utf-8")
    assert 'navigator.serviceWorker.register(url, { scope: "/" })' in source


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_service_worker_is_served_from_the_root_as_javascript_and_never_cached(client, patient, signed_in):
    if signed_in:
        client.force_login(patient.user)
    response, source = _service_worker(client)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/javascript"
    assert "no-cache" in [part.strip() for part in response["Cache-Control"].split(",")]
    assert "Service-Worker-Allowed" not in response
    assert source.startswith("// BoneTrack's service worker.")


def test_the_worker_keeps_only_the_offline_page_and_its_static_files(client):
    _, source = _service_worker(client)
    precache = _precache(source)
    assert precache[0] == reverse("offline") == json.loads(re.search(r"^const OFFLINE_URL = (.*);$", source, re.M).group(1))
    assert precache[1:] and all(url.startswith(static("")) for url in precache[1:])
    for url in precache[1:]:
        _static_path(url)
    # Nothing else is ever stored: no cache.put, no second cache.add, no patient, API, PDF or CSV address.
    assert source.count("cache.addAll(PRECACHE)") == 1
    assert not re.search(r"\.put\(|cache\.add\(", source)
    assert not re.search(r"patients|/api|\.pdf|\.csv|\.json|fhir|export", source)


def test_the_worker_answers_from_the_cache_only_when_the_network_fails(client):
    _, source = _service_worker(client)
    # Two answers from the worker: pages, and the offline page's own static files. Each tries the network first and
    # reads the cache only in the `catch` of a failed fetch.
    assert source.count("event.respondWith(") == 2
    assert "event.respondWith(fetch(request).catch(() => fromCache(OFFLINE_URL)));" in source
    assert "event.respondWith(fetch(request).catch(() => fromCache(url.pathname)));" in source
    navigation = source.index('if (request.mode === "navigate")')
    assert source.index("fromCache(OFFLINE_URL)") > navigation
    assert "PRECACHE.includes(url.pathname)" in source
    assert source.count("caches.match") == 0 and source.count("cache.match(") == 1
    # Only GET requests, and nothing but GET is answered.
    assert 'if (request.method !== "GET") {\n    return;\n  }' in source


def test_the_cache_is_versioned_and_old_caches_are_deleted_on_activate(client, settings):
    _, source = _service_worker(client)
    name = re.search(r'^const CACHE = "(bonetrack-offline-[0-9a-f]{12})";$', source, re.M).group(1)
    assert "names.filter((name) => name !== CACHE).map((name) => caches.delete(name))" in source
    assert pwa.cache_name(["/offline/", "/static/css/bonetrack.abc.css"]) != pwa.cache_name(
        ["/offline/", "/static/css/bonetrack.def.css"]
    )
    assert name == pwa.cache_name(pwa.precache_urls())


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_offline_page_says_the_data_is_safe_and_shows_nothing_about_anyone(client, patient, signed_in):
    if signed_in:
        client.force_login(patient.user)
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You're offline" in html and "Your data is safe on the server" in html
    assert '<a class="button" href="">Try again</a>' in html
    assert patient.user.email not in html and patient.name not in html and "csrf" not in html.lower()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    for url in _precache(_service_worker(client)[1])[1:]:
        assert f'"{url}"' in html  # everything the page loads is in the worker's cache
    assert "<script" not in html
