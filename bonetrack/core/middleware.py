import time

from django.conf import settings
from django.utils import timezone

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


SESSION_TOUCHED_KEY = "_bonetrack_touched"


def stamp_session(request) -> None:
    """Record that the session was just refreshed (called at sign-in and by IdleSessionMiddleware)."""
    request.session[SESSION_TOUCHED_KEY] = int(time.time())


class IdleSessionMiddleware:
    """End sessions after SESSION_IDLE_MINUTES without a request, for one session write a minute at most.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would add a database write to every page;
    refreshing the expiry once SESSION_REFRESH_SECONDS have passed keeps the idle limit accurate to that interval.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        stale = session is not None and time.time() - session.get(SESSION_TOUCHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS
        if stale and request.user.is_authenticated:
            stamp_session(request)
        return self.get_response(request)
