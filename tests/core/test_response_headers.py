"""Headers on every URL of the authorization matrix (tests/*/authz_cases.py): no caching of anything a signed-in
user sees, `Vary: HX-Request`, and whole pages for htmx history restores."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from tests.authz import OK, Case, build_world, login
from tests.test_authz import CASES

# Whose answer to check: the first role the case lets in (they see the data); else the patient (an error page).
SIGNED_IN = ("self", "clinician", "admin", "unassigned_clinician", "revoked_clinician", "other_patient")


def _request(client, case: Case, headers: dict | None = None):
    world = build_world()
    role = next((role for role in SIGNED_IN if case.expected[role] == OK), "self")
    login(client, world.user_for(role))
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    data = case.data(world) if case.data else {}
    headers = headers if headers is not None else ({"HTTP_HX_REQUEST": "true"} if case.htmx else {})
    return getattr(client, case.method)(url, data, **headers)


def _cache_control(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_nothing_a_signed_in_user_sees_may_be_stored(client, case: Case):
    response = _request(client, case)
    directives = _cache_control(response)
    assert {"private", "no-store"} <= directives, f"{case.id}: Cache-Control {response.get('Cache-Control')!r}"
    assert "public" not in directives and not get_max_age(response)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_response_varies_on_hx_request(client, case: Case):
    response = _request(client, case)
    assert "HX-Request" in response.get("Vary", ""), f"{case.id}: Vary {response.get('Vary')!r}"


GETS = [case for case in CASES if case.method == "get"]
HTMX_GETS = [case for case in GETS if case.htmx]


def _is_whole_page(response) -> bool:
    html = response.content.decode()
    return html.lstrip().lower().startswith("<!doctype html>") and "</body>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("case", GETS, ids=lambda c: c.id)
def test_an_htmx_history_restore_gets_the_whole_page(client, case: Case):
    """htmx 2 re-fetches a page missing from its history cache with HX-Request: true; a partial would replace <body>."""
    response = _request(client, case, {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"})
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert _is_whole_page(response), f"{case.id}: answered a history restore with a partial"


@pytest.mark.django_db
@pytest.mark.parametrize("case", HTMX_GETS, ids=lambda c: c.id)
def test_other_htmx_requests_still_get_their_partial(client, case: Case):
    response = _request(client, case)
    assert response.status_code == 200 and not _is_whole_page(response)


@pytest.mark.django_db
def test_htmx_requests_that_find_the_session_gone_send_the_whole_tab_to_sign_in(client):
    week = reverse("exercise:week", kwargs={"patient_id": 1})
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{week}?week=2026-03-02"}
    response = client.get(week, {"week": "2026-02-23"}, **htmx)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={week}%3Fweek%3D2026-03-02"

    # A page on another site is never where sign-in leads back to.
    response = client.get(week, **htmx | {"HTTP_HX_CURRENT_URL": "https://elsewhere.example/phish"})
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={week}"

    # A history restore wants a whole page, so a plain redirect to it does.
    response = client.get(week, **htmx | {"HTTP_HX_HISTORY_RESTORE_REQUEST": "true"})
    assert response.status_code == 302 and "HX-Redirect" not in response
