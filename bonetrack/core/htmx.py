"""The request type htmx views take, and choosing between a page and its partial."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that has passed through django-htmx's HtmxMiddleware, for type annotations on views."""

    htmx: HtmxDetails


def wants_partial(request: HtmxHttpRequest) -> bool:
    """True when htmx asks for part of a page; a history restore asks for the whole page.

    After a miss in its history cache (it keeps the last 10 pages), htmx 2 fetches the page again with
    `HX-Request: true` and swaps the answer into `<body>`: a partial there would wipe the rest of the page.
    Every response carries `Vary: HX-Request` (bonetrack.core.middleware.HtmxResponseMiddleware), so no cache
    serves one answer for the other.
    """
    return bool(request.htmx) and not request.htmx.history_restore_request
