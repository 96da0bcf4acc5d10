"""Requests refused before any view sees them."""

from django.core.exceptions import BadRequest

NUL = "\x00"


def has_null_character(request) -> bool:
    """True if the path, a query or form value (or its name) or a cookie holds a NUL character."""
    if NUL in request.path_info:
        return True
    for values in (request.GET, request.POST):
        for name, items in values.lists():
            if NUL in name or any(NUL in item for item in items):
                return True
    return any(NUL in name or NUL in value for name, value in request.COOKIES.items())


class RejectNullCharactersMiddleware:
    """Answer 400 to any request carrying a NUL character, on every URL, the admin's included.

    No person types one, and it cannot be stored: PostgreSQL refuses NUL in text, so a NUL that reached a query
    (a search term, an id in a path, a session cookie) would be a server error, and one that SQLite accepted would be
    stored. Forms already refuse NUL in text fields (Django's ProhibitNullCharactersValidator); this covers every
    input that no form checks. Uploaded files are checked where they are read (the DEXA CSV import).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_null_character(request):
            raise BadRequest("Null characters are not allowed.")
        return self.get_response(request)
