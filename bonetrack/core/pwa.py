"""Installing BoneTrack on a phone: the web app manifest, the service worker and the offline page.

The service worker keeps exactly one thing for use without a network: the offline page with the stylesheet and
icon it shows (`PRECACHE`). Every other request goes to the network and its answer is never stored, so no page,
partial, JSON, PDF or CSV with health data is ever copied into the browser's caches.
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import patch_cache_control
from django.views.decorators.http import require_GET

# The site's colours (static/css/bonetrack.css): --primary for the browser's bars, --bg behind the splash screen.
THEME_COLOR = "#0b6e69"
BACKGROUND_COLOR = "#f5f7f8"
# (file under static/, size in px, purpose)
ICONS = (
    ("icons/icon-192.png", 192, "any"),
    ("icons/icon-512.png", 512, "any"),
    ("icons/icon-maskable-512.png", 512, "maskable"),
)
APPLE_TOUCH_ICON = "icons/apple-touch-icon.png"  # 180 × 180
# The static files the offline page uses; with the page itself, all the service worker keeps.
OFFLINE_ASSETS = ("css/bonetrack.css", "icons/icon-192.png")


def manifest_data() -> dict:
    return {
        "name": "BoneTrack",
        "short_name": "BoneTrack",
        "description": "Follow your bone health with your care team: scans, medication, food and exercise.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for path, size, purpose in ICONS
        ],
    }


def offline_html() -> str:
    """The offline page: the same for everyone, with nothing about any person."""
    return render_to_string("core/offline.html", {"theme_color": THEME_COLOR})


def precache_urls() -> list[str]:
    return [reverse("offline"), *(static(path) for path in OFFLINE_ASSETS)]


def cache_name(urls: list[str]) -> str:
    """The cache's name changes with the offline page and the assets' URLs (hashed by the static files storage in
    production), so a new version replaces the old cache."""
    digest = hashlib.sha256("\n".join([offline_html(), *urls]).encode()).hexdigest()[:12]
    return f"bonetrack-offline-{digest}"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json.dumps(manifest_data(), indent=2), content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site's root so that its scope is the whole site; `no-cache` so that browsers see a new one."""
    urls = precache_urls()
    source = render_to_string(
        "core/sw.js", {"cache_name": cache_name(urls), "offline_url": json.dumps(urls[0]), "precache": json.dumps(urls)}
    )
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(offline_html())
