"""Create forms submit once: a double click, a reload of a slow POST or a browser retry writes a single time.

Every create form renders `{% form_token %}` (a hidden field with a fresh random token; `{% load submissions %}`).
The view is wrapped in `@once_per_form` and calls `consume_form_token(request)` where it writes, inside the
decorator's transaction: the token is stored under a unique constraint, so

- the first POST stores it and writes; if the write fails, the token goes with the rolled-back transaction;
- a repeat of the same form (same user, same token) is answered like the first (the same redirect; for htmx,
  "already saved" and no swap) without running the view again; if the two ran at once, the second waits on the
  constraint until the first commits, then gets the same answer.

A POST without a token (an API client, an old page) is handled as before. Forms that only change a setting to a
value need no token: repeating them changes nothing.
"""

import datetime as dt
import uuid
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import trigger_client_event

from .htmx import HtmxHttpRequest
from .models import FormSubmission

FIELD = "form_token"
KEEP = dt.timedelta(days=30)  # long past any reload or retry of the same page
REPEAT_MESSAGE = "That was already saved: it was sent twice and saved once."


class AlreadySubmitted(Exception):
    def __init__(self, submission: FormSubmission | None):
        super().__init__("form already submitted")
        self.submission = submission


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request: HtmxHttpRequest) -> uuid.UUID | None:
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def consume_form_token(request: HtmxHttpRequest) -> None:
    """Mark this POST's form as saved, in the caller's transaction; raise AlreadySubmitted if it was saved before.

    Call it right before the write, in a view wrapped in `@once_per_form`.
    """
    if not getattr(request, "_once_per_form", False):
        raise ImproperlyConfigured("consume_form_token() needs a view wrapped in @once_per_form")
    token = _token(request)
    if token is None:
        return
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(user=request.user, token=token)
    except IntegrityError:
        raise AlreadySubmitted(FormSubmission.objects.filter(user=request.user, token=token).first()) from None
    request._form_submission = submission
    FormSubmission.objects.filter(user=request.user, created_at__lt=timezone.now() - KEEP).delete()


def _location(request: HtmxHttpRequest, response: HttpResponse) -> str:
    """Where the answer leaves the browser: the redirect, the URL htmx pushes, or the page the form was on."""
    for value in (response.get("Location"), response.get("HX-Push-Url"), response.get("HX-Redirect"), request.htmx.current_url):
        if value and value != "false":
            return value[:500]
    return ""


def _repeat(request: HtmxHttpRequest, submission: FormSubmission | None) -> HttpResponse:
    if request.htmx:
        # The first answer already updated the page: leave it as it is, and say why nothing changed.
        response = HttpResponse(status=204)
        return trigger_client_event(response, "showMessage", {"value": REPEAT_MESSAGE, "level": "info"})
    messages.info(request, REPEAT_MESSAGE)
    for target in (submission.location if submission else "", request.headers.get("Referer", "")):
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return redirect(target)
    return redirect("/")


def once_per_form(view):
    """Run `view` in a transaction; a form it already saved (see `consume_form_token`) is not saved again."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs) -> HttpResponse:
        request._once_per_form = True
        token = _token(request)
        if token is not None:
            # A repeat that arrives after the first was saved is answered before the view asks or validates anything
            # ("this day already has these foods", "this scan is already recorded"): it was saved, as asked.
            done = FormSubmission.objects.filter(user=request.user, token=token).first()
            if done is not None:
                return _repeat(request, done)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                submission = getattr(request, "_form_submission", None)
                if submission is not None and (location := _location(request, response)):
                    FormSubmission.objects.filter(pk=submission.pk).update(location=location)
        except AlreadySubmitted as repeat:
            return _repeat(request, repeat.submission)
        return response

    return wrapper
