"""Every URL in the project, for every role (see tests/authz.py)."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.authz import LOGIN, OK, ROLES, Case, build_world, login

# URL namespaces handled wholesale elsewhere: Django's admin is staff-only (tested in tests/core/test_admin_access.py).
EXEMPT_NAMESPACES = ("admin",)


def _collect_cases() -> list[Case]:
    cases = []
    for module_info in pkgutil.walk_packages([str(Path(tests.__file__).parent)], prefix="tests."):
        if module_info.name.endswith(".authz_cases"):
            cases.extend(importlib.import_module(module_info.name).CASES)
    return cases


CASES = _collect_cases()


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_authorization_case():
    covered = {case.url_name for case in CASES}
    names = {name for name in _url_names(get_resolver().url_patterns) if not name.startswith(EXEMPT_NAMESPACES)}
    missing = sorted(names - covered)
    assert not missing, f"URL patterns with no case in tests/*/authz_cases.py: {missing}"
    stale = sorted(covered - names)
    assert not stale, f"cases for URL names that no longer exist: {stale}"


def _check(response, expected, case: Case, role: str) -> None:
    login_path = resolve_url(settings.LOGIN_URL)
    where = f"{case.id} as {role}"
    if expected == LOGIN and case.htmx:
        # htmx requests send the whole tab to the sign-in page (bonetrack.core.middleware.HtmxResponseMiddleware).
        assert response.status_code == 200, f"{where}: expected HX-Redirect to login, got {response.status_code}"
        assert response.get("HX-Redirect", "").startswith(login_path), f"{where}: HX-Redirect {response.get('HX-Redirect')}"
    elif expected == LOGIN:
        assert response.status_code == 302, f"{where}: expected a redirect to login, got {response.status_code}"
        assert response.url.startswith(login_path), f"{where}: redirected to {response.url}, not login"
    elif expected == OK:
        assert response.status_code < 400, f"{where}: expected success, got {response.status_code}"
        if response.status_code in (301, 302, 303):
            assert not response.url.startswith(login_path), f"{where}: sent to login"
        assert not response.get("HX-Redirect", "").startswith(login_path), f"{where}: sent to login"
    else:
        assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_authorization_matrix(client, db, case: Case, role: str):
    world = build_world()
    user = world.user_for(role)
    if user is not None:
        login(client, user)
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    data = case.data(world) if case.data else {}
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    response = getattr(client, case.method)(url, data, **headers)
    _check(response, case.expected[role], case, role)
