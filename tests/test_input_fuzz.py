"""Hostile input on every URL: no query parameter or form field a user can send may cause a server error.

Every URL of the authorization matrix (tests/*/authz_cases.py), plus the POST forms that matrix does not submit,
is requested once with valid input while the keys the view reads from `request.GET` and `request.POST` are
recorded; then each of those keys is sent again with each hostile value (see `_hostile_for`), one key at a time,
the rest of the input left valid so that cross-field checks and saves run too. Any 5xx or exception fails the
endpoint's test, listing every key and value that did. Table-driven rather than generated: the same inputs on
every run, about 3,300 requests.
"""

import re
import traceback
from contextlib import contextmanager
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.datastructures import MultiValueDict

from tests.authz import ANY_SIGNED_IN, OK, PATIENT_DATA, PUBLIC, Case, build_world, login, patient_kwargs
from tests.careteams.authz_cases import ADDRESSEE_ONLY
from tests.careteams.invitation_fixtures import care_team_invitation, staff_invitation
from tests.dexa.authz_cases import STAFF_ONLY, own_scan
from tests.exercise.authz_cases import _own_session, _session_data, _walk
from tests.factories import PASSWORD
from tests.labs.authz_cases import VALID as VALID_LAB
from tests.nutrition.authz_cases import add_data
from tests.portability.authz_cases import fhir_confirm_data, fhir_upload_data
from tests.test_authz import CASES as MATRIX_CASES

NUMBERS = ("1e25", "-1e25", "nan", "inf", "9" * 30)
DATES = ("0001-01-01", "9999-12-31", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00")
ANYTHING = (
    "not a number",
    "nul\x00byte",
    "x" * 140_000,  # over the csv module's 128 kB field limit
    "",
)
HOSTILE = NUMBERS + DATES + ANYTHING
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")

FORMSET_ROW = re.compile(r"-[1-9][0-9]*-")

# The role that fills the forms of each URL: the first role of this order whose expectation is OK.
ROLE_ORDER = ("self", "clinician", "admin", "anonymous")

SCAN = {
    "scanned_on": "2022-03-01",
    "new_facility": "Riverside Imaging",
    "make": "hologic",
    "model": "Horizon A",
    "lumbar_spine-bmd": "0.850",
    "lumbar_spine-t_score": "-1.8",
    "lumbar_spine-z_score": "-0.6",
    "total_hip-side": "left",
    "total_hip-bmd": "0.780",
    "total_hip-t_score": "-1.6",
    "total_hip-z_score": "-0.4",
    "femoral_neck-side": "right",
    "femoral_neck-bmd": "0.700",
    "femoral_neck-t_score": "-2.1",
    "femoral_neck-z_score": "-0.9",
    "radius_33-side": "left",
    "radius_33-bmd": "0.650",
    "radius_33-t_score": "-1.2",
    "radius_33-z_score": "0.1",
}
CSV = (
    "scan_date,facility,make,model,site,side,bmd,t_score,z_score\n"
    "2021-04-01,Riverside Imaging,hologic,,total_hip,left,0.800,-1.5,\n"
)
PROFILE = {
    "user-first_name": "Ada",
    "user-last_name": "Byron",
    "user-time_zone": "Europe/London",
    "user-date_format": "mdy",
    "profile-date_of_birth": "1958-05-20",
    "profile-sex": "female",
    "profile-menopausal_status": "post",
    "profile-body_units": "metric",
    "profile-shown_units": "metric",
    "profile-height_cm": "165",
    "profile-weight_kg": "62",
    "profile-glucocorticoids": "past",
}
# The same form shown in feet, inches and pounds (PatientProfile.body_units), switching back to metric.
PROFILE_IMPERIAL = {
    **{key: value for key, value in PROFILE.items() if key not in ("profile-height_cm", "profile-weight_kg")},
    "profile-shown_units": "imperial",
    "profile-height_ft": "5",
    "profile-height_in": "4.5",
    "profile-weight_lb": "150",
}
SIGNUP = {
    "email": "new.patient@example.org",
    "first_name": "Nell",
    "last_name": "Pryce",
    "date_of_birth": "1960-02-03",
    "sex": "female",
    "menopausal_status": "post",
    "time_zone": "UTC",
    "password1": "a-long-sign-up-password",
    "password2": "a-long-sign-up-password",
}


def _session(w) -> dict:
    """A full session form: every field of its entry filled in."""
    entry = {"effort": "5", "sets": "2", "reps": "10", "load": "2.5", "notes": "Hills", "DELETE": ""}
    return {
        **_session_data(w),
        "notes": "Morning",
        **{f"entries-0-{name}": value for name, value in entry.items()},
    }


# POST forms the authorization matrix does not submit with valid data.
EXTRA_CASES = [
    Case("patients:profile", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=lambda w: PROFILE, label="valid"),
    Case(
        "patients:profile", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=lambda w: PROFILE_IMPERIAL, label="imperial"
    ),
    Case(
        "patients:fracture-list",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {
            "site": "wrist",
            "occurred_on": "2019-03-01",
            "fragility": "on",
            "on_glucocorticoids": "on",
            "notes": "Fell on ice",
        },
    ),
    Case(
        "patients:risk-factors",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {
            "smoking": "current",
            "alcohol_units_per_week": "21",
            "glucocorticoids": "past",
            "rheumatoid_arthritis": "on",
            "parental_hip_fracture": "on",
        },
        label="every answer",
    ),
    Case(
        "patients:fall-add",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"fall-occurred_on": "2024-02-03", "fall-injury": "on", "fall-fracture": "on", "fall-notes": "Ice"},
        label="broke a bone",
    ),
    Case(
        "exercise:session-edit",
        PATIENT_DATA,
        kwargs=lambda w: {"patient_id": w.patient.pk, "session_id": _own_session(w).pk},
        method="post",
        data=_session,
        label="own session",
    ),
    Case("dexa:scan-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=lambda w: SCAN, label="valid"),
    Case("dexa:scan-edit", PATIENT_DATA, kwargs=own_scan, method="post", data=lambda w: SCAN, label="valid"),
    Case("dexa:scan-import", STAFF_ONLY, kwargs=patient_kwargs, method="post", data=lambda w: {"csv_text": CSV}, label="valid"),
    Case("portability:fhir-import", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=fhir_confirm_data, label="valid"),
    Case("account_signup", PUBLIC, method="post", data=lambda w: SIGNUP, label="valid"),
    Case("account_login", PUBLIC, method="post", data=lambda w: {"login": w.patient.user.email, "password": PASSWORD}),
    Case(
        "account_change_password",
        ANY_SIGNED_IN,
        method="post",
        data=lambda w: {"oldpassword": PASSWORD, "password1": "another-long-password", "password2": "another-long-password"},
    ),
    Case("account_reset_password", PUBLIC, method="post", data=lambda w: {"email": w.patient.user.email}),
    Case("account_email", ANY_SIGNED_IN, method="post", data=lambda w: {"email": "second@example.org", "action_add": ""}),
    Case("account_reauthenticate", ANY_SIGNED_IN, method="post", data=lambda w: {"password": PASSWORD}),
    Case("account_logout", ANY_SIGNED_IN, method="post"),
    # Passwords that differ, so that every hostile value meets the form and the link stays unused.
    Case(
        "careteams:staff-invitation-accept",
        PUBLIC,
        kwargs=lambda w: {"token": staff_invitation()[1]},
        method="post",
        data=lambda w: {"first_name": "Nina", "last_name": "Doctor", "password1": "a-long-new-pass-1", "password2": "other"},
        label="passwords differ",
    ),
    # Neither answer, so that the invitation stays open for every hostile value.
    Case(
        "careteams:invitation-open",
        ADDRESSEE_ONLY,
        kwargs=lambda w: {"token": care_team_invitation(patient=w.other_patient, clinician=w.clinician)[1]},
        method="post",
        data=lambda w: {"answer": "maybe"},
        label="no answer",
    ),
    Case(
        "careteams:invitation-respond",
        ADDRESSEE_ONLY,
        kwargs=lambda w: {"invitation_id": care_team_invitation(patient=w.other_patient, clinician=w.clinician)[0].pk},
        method="post",
        data=lambda w: {"answer": "maybe"},
        label="no answer",
    ),
    # A refused password, so that every hostile value meets the form rather than a deleted, signed-out account.
    Case(
        "patients:account-delete",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"password": "not-the-password", "confirm": "on"},
        label="refused password",
    ),
]

# Valid input for URLs whose matrix case submits invalid or partial data on purpose.
VALID_DATA = {
    ("dexa:scan-import-preview", "post"): lambda w: {"file": SimpleUploadedFile("scans.csv", CSV.encode())},
    ("portability:fhir-import-preview", "post"): fhir_upload_data,
    ("exercise:entry-add", "post"): lambda w: {**_walk(w), "effort": "5", "notes": "Hills"},
    ("exercise:session-add", "post"): _session,
    ("nutrition:item-add", "post"): add_data,
    # Above the upper limits (calcium 3000 mg at any age, vitamin D 4000 IU), so the confirmation and reason are read.
    ("nutrition:targets", "post"): lambda w: {
        "calcium_mg": "3500",
        "calcium_mg_confirm": "on",
        "calcium_mg_reason": "Malabsorption",
        "vitamin_d_iu": "5000",
        "vitamin_d_iu_confirm": "on",
        "vitamin_d_iu_reason": "Deficiency",
    },
    ("labs:lab-list", "post"): lambda w: VALID_LAB,
    ("clinic:timeline", "get"): lambda w: {"before": "2024-01-01T00:00:00+00:00", "kinds": "note"},
}


def _role_for(case: Case) -> str | None:
    return next((role for role in ROLE_ORDER if case.expected.get(role) == OK), None)


def _endpoints() -> list[tuple[Case, str]]:
    """One case per URL name, method and htmx flag, with the role that may use it."""
    chosen: dict[tuple, tuple[Case, str]] = {}
    for case in [*EXTRA_CASES, *MATRIX_CASES]:
        role = _role_for(case)
        key = (case.url_name, case.method, case.htmx)
        if role is not None and key not in chosen:
            chosen[key] = (case, role)
    return list(chosen.values())


ENDPOINTS = _endpoints()


@contextmanager
def _recording_keys():
    """Record every (QueryDict id, key) looked up while the block runs: which keys a view reads, and from where."""
    reads: set[tuple[int, str]] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__")}

    def wrap(name):
        def recorder(self, key, *args, **kwargs):
            reads.add((id(self), key))
            return originals[name](self, key, *args, **kwargs)

        return recorder

    def contains(self, key):
        reads.add((id(self), key))
        return dict.__contains__(self, key)

    for name in originals:
        setattr(QueryDict, name, wrap(name))
    QueryDict.__contains__ = contains
    try:
        yield reads
    finally:
        for name in (*originals, "__contains__"):
            delattr(QueryDict, name)


def _send(client, case: Case, url: str, data: dict, query: dict | None = None):
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    if case.method == "get":
        return client.get(url, data, **headers)
    return client.post(f"{url}?{urlencode(query)}" if query else url, data, **headers)


def _failure(client, case: Case, url: str, data: dict, query: dict | None) -> str | None:
    """None when the response is below 500; otherwise what went wrong."""
    try:
        response = _send(client, case, url, data, query)
    except Exception as error:  # every exception is a finding
        return "".join(traceback.format_exception_only(error)).strip()[:300]
    return f"status {response.status_code}" if response.status_code >= 500 else None


def _hostile_for(case: Case, valid) -> tuple[str, ...]:
    """Every hostile value, except that a POST field whose valid value is a date skips the numbers, and vice versa.

    Form fields are the bulk of the requests; a date field meets numbers (and a number field dates) only as
    unparseable text, which "not a number" already is. Query parameters and fields of unknown kind get everything.
    """
    if case.method != "post" or not isinstance(valid, str):
        return HOSTILE
    if DATE_LIKE.match(valid):
        return DATES + ANYTHING
    return NUMBERS + ANYTHING


def _short(value: str) -> str:
    return repr(value if len(value) < 40 else f"{value[:12]}…({len(value)} chars)")


@pytest.mark.parametrize(("case", "role"), ENDPOINTS, ids=lambda x: x.id if isinstance(x, Case) else x)
def test_hostile_input_never_causes_a_server_error(client, db, case: Case, role: str):
    world = build_world()
    if role != "anonymous":
        login(client, world.user_for(role))
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    valid = VALID_DATA.get((case.url_name, case.method), case.data)
    base = dict(valid(world)) if valid else {}
    with _recording_keys() as reads:
        response = _send(client, case, url, base)
    assert response.status_code < 500
    request = response.wsgi_request
    # A POST view may read the query string too (e.g. which week to show): those keys go there.
    in_query = {key for where, key in reads if where == id(request.GET)} if case.method == "post" else set()
    in_data = {key for where, key in reads if where == id(request.POST) or case.method == "get"} | set(base)
    # The forms of a formset are alike: the first one stands for the others.
    in_data = {key for key in in_data if FORMSET_ROW.sub("-0-", key) == key or FORMSET_ROW.sub("-0-", key) not in in_data}
    failures = []
    for key, query in [*((key, False) for key in sorted(in_data)), *((key, True) for key in sorted(in_query - in_data))]:
        for value in _hostile_for(case, None if query else base.get(key)):
            if query:
                problem = _failure(client, case, url, base, {key: value})
            elif isinstance(base.get(key), SimpleUploadedFile):
                upload = SimpleUploadedFile(base[key].name, value.encode())
                problem = _failure(client, case, url, {**base, key: upload}, None)
            else:
                problem = _failure(client, case, url, {**base, key: value}, None)
            if problem:
                failures.append(f"{key}={_short(value)}: {problem}")
    assert not failures, f"{case.id} as {role}:\n" + "\n".join(failures)


class _FormFinder(HTMLParser):
    """The action of every <form method="post"> in a page ("" for the page itself)."""

    def __init__(self):
        super().__init__()
        self.actions: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.actions.append(attrs.get("action") or attrs.get("hx-post") or "")


def test_every_post_form_on_every_page_is_fuzzed(client, db):
    """A form added to a page without a fuzz case here (or in the matrix) fails this test."""
    fuzzed = {case.url_name for case, _ in ENDPOINTS if case.method == "post"}
    unfuzzed = set()
    for case, role in ENDPOINTS:
        if case.method != "get" or case.htmx:
            continue
        world = build_world()
        client.logout()
        if role != "anonymous":
            login(client, world.user_for(role))
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        response = client.get(url, case.data(world) if case.data else {})
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = _FormFinder()
        finder.feed(response.content.decode())
        for action in finder.actions:
            try:
                match = resolve(urlsplit(action).path or url)
            except Resolver404:
                continue
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            if name not in fuzzed and not name.startswith("admin:"):
                unfuzzed.add(name)
    assert not unfuzzed, f"POST forms with no fuzz case: {sorted(unfuzzed)}"
