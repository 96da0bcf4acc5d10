import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from .date_display import day_format
from .htmx import wants_partial
from .timezones import zone_of


class UserTimezoneMiddleware:
    """Show datetimes in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_of(user))
        else:
            timezone.deactivate()
        return self.get_response(request)


class DateFormatMiddleware:
    """Show dates in the signed-in user's chosen style (bonetrack.core.date_display), for this request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        style = user.date_format if user is not None and user.is_authenticated else None
        # The response is rendered inside the block (TemplateResponse renders before the middleware returns).
        with day_format(style):
            return self.get_response(request)


SESSION_TOUCHED_KEY = "_bonetrack_touched"


def stamp_session(request) -> None:
    """Record that the session was just refreshed (called at sign-in and by IdleSessionMiddleware)."""
    request.session[SESSION_TOUCHED_KEY] = int(time.time())


def background_poll(view):
    """Mark a view that pages call on a timer (the bell): its requests are not activity and never keep a session alive."""
    view.background_poll = True
    return view


def is_background_poll(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "background_poll", False)


class IdleSessionMiddleware:
    """End sessions after SESSION_IDLE_MINUTES without activity, for one session write a minute at most.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would add a database write to every page;
    refreshing the expiry once SESSION_REFRESH_SECONDS have passed keeps the idle limit accurate to that interval.

    Requests to @background_poll views (the bell, every minute) are not activity, so they never stamp. The stamp
    also ends the session here once SESSION_IDLE_MINUTES have passed: any other write to the session during a poll
    (a message, a flag) pushes its expiry date back, and would otherwise let an open tab keep it alive.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            touched = session.get(SESSION_TOUCHED_KEY)
            if touched is not None and time.time() - touched >= settings.SESSION_COOKIE_AGE:
                logout(request)
        response = self.get_response(request)
        # After the view, once the URL is resolved: only then is it known whether this was a background poll.
        stale = session is not None and time.time() - session.get(SESSION_TOUCHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS
        if stale and request.user.is_authenticated and not is_background_poll(request):
            stamp_session(request)
        return response


class NoStoreForSignedInMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    Every signed-in page shows personal or health data (at least the name and the bell's reminders), and so does
    every partial. No browser or shared cache may keep a copy, for the Back button after sign-out or the next user
    of a shared computer to find.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class HtmxResponseMiddleware:
    """Two things every htmx-aware response needs, whichever view answered.

    - `Vary: HX-Request`: views answer htmx requests with a partial (bonetrack.core.htmx), and a cache that kept one
      answer under the URL alone would serve the partial as a page, or the page as a partial.
    - A redirect to the sign-in page (the session ended, e.g. after the idle limit, and the bell polled) becomes an
      `HX-Redirect` of the whole tab. The browser's XHR would follow a plain redirect by itself, and htmx would paste
      the sign-in page into the fragment, leaving the rest of the page, health data included, on screen.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if wants_partial(request) and _is_sign_in_redirect(response):
            page = request.htmx.current_url_abs_path or request.get_full_path()
            response = HttpResponseClientRedirect(redirect_to_login(page).url)
        patch_vary_headers(response, ("HX-Request",))
        return response


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)
