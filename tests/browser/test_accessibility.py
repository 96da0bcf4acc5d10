"""Accessibility: axe-core on every page each role can open, at 1280×900 and 360×800, and on each form after an empty submit.

The pages come from the navigation (PATIENT_TABS, CARE_TEAM_LINKS), the sub-pages and detail pages listed below, and the
authorization matrix (tests/*/authz_cases.py) for who may open each. test_every_get_url_is_checked_or_excused fails when
a URL pattern is in neither the checked pages nor NOT_PAGES, so a new page cannot go unchecked.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Q
from django.urls import get_resolver, reverse

from bonetrack.accounts.devdata.demo_accounts import DEMO_PASSWORD
from bonetrack.accounts.models import PatientProfile, User
from bonetrack.clinic.devdata.totp import DEMO_TOTP_SECRET, totp_code
from bonetrack.clinic.models import ClinicalNote
from bonetrack.core.navigation import CARE_TEAM_LINKS, PATIENT_TABS
from exercise.models import SessionEntry
from nutrition.models import Food
from tests.authz import OK
from tests.careteams.invitation_fixtures import care_team_invitation, staff_invitation
from tests.dexa.reading_fixtures import finished_reading
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory
from tests.test_authz import CASES, EXEMPT_NAMESPACES, _url_names

SIZES = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 800}}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}
FAILING_IMPACTS = ("serious", "critical")

# Pages reached from a tab or a care-team link, with no id beyond the patient's.
SUBPAGES = (
    "patients:fracture-list",
    "patients:risk-factors",
    "patients:account-delete",
    "dexa:scan-add",
    "dexa:scan-import",
    "dexa:scan-read",
    "nutrition:custom-food-list",
    "nutrition:supplement-list",
    "nutrition:targets",
    "nutrition:trends",
    "exercise:session-add",
    "exercise:library",
    "exercise:history",
    "exercise:progression",
    "exercise:flag-list",
    "clinic:note-add",
    "clinic:scan-interval",
    "clinic:goal",
    "portability:fhir",
    "portability:export",
    "dashboard:time-zone",
)


# Pages about one record of the demo patient: the record's id, or None when the role cannot open such a record.
def _scan(patient: PatientProfile, role: str) -> dict:
    return {"scan_id": patient.dexa_scans.latest().pk}


def _reading(patient: PatientProfile, role: str) -> dict:
    return {"reading_id": finished_reading(patient).pk}


def _editable_scan(patient: PatientProfile, role: str) -> dict | None:
    # Patients edit only unverified scans; the demo patient's scans are all verified by her clinician.
    return None if role == "self" else _scan(patient, role)


def _course(patient: PatientProfile, role: str) -> dict:
    return {"course_id": patient.medication_courses.latest("started_on").pk}


def _session(patient: PatientProfile, role: str) -> dict:
    return {"session_id": patient.exercise_sessions.latest("date").pk}


def _food_item(patient: PatientProfile, role: str) -> dict:
    return {"item_id": patient.nutrition_items.filter(food__isnull=False).latest("date").pk}


def _exercise_entry(patient: PatientProfile, role: str) -> dict:
    return {"entry_id": SessionEntry.objects.for_patient(patient).latest("session__date", "pk").pk}


def _changeable_lab(patient: PatientProfile, role: str) -> dict | None:
    # A patient may delete only results they entered; the care team any.
    results = patient.lab_results.order_by("-taken_on", "-pk")
    if role == "self":
        results = results.filter(Q(entered_by__isnull=True) | Q(entered_by=patient.user))
    result = results.first()
    return None if result is None else {"lab_id": result.pk}


def _own_fracture(patient: PatientProfile, role: str) -> dict:
    # The demo patient has no fractures: one she recorded herself is added for the check.
    fracture, _ = patient.fractures.get_or_create(
        site="wrist", occurred_on=patient.date_of_birth.replace(year=2015), defaults={"recorded_by": patient.user}
    )
    return {"fracture_id": fracture.pk}


def _supplement(patient: PatientProfile, role: str) -> dict:
    return {"supplement_id": patient.supplements.active().first().pk}


def _custom_food(patient: PatientProfile, role: str) -> dict:
    # The demo patient has no foods of her own: one is added for the check.
    food = patient.custom_foods.first() or Food.objects.create_custom(
        owner=patient, description="Oat drink, fortified", per_100g={"calcium_mg": Decimal(120)}, serving_grams=Decimal(250)
    )
    return {"food_id": food.pk}


def _fresh_note(patient: PatientProfile, role: str) -> dict | None:
    # Only the author edits a note, within a day of writing it: the demo clinician writes one now.
    if role != "clinician":
        return None
    note = ClinicalNote.objects.create(patient=patient, author=User.objects.get(email=ROLES[role]), body="Reviewed today.")
    return {"note_id": note.pk}


DETAIL_PAGES: dict[str, Callable[[PatientProfile, str], dict | None]] = {
    "dexa:scan-detail": _scan,
    "dexa:scan-edit": _editable_scan,
    "dexa:scan-reading": _reading,
    "dexa:scan-from-report": _reading,
    "dexa:report-add": _scan,
    "medications:course-detail": _course,
    "medications:course-edit": _course,
    "medications:course-stop": _course,
    "exercise:session-edit": _session,
    "nutrition:item-edit": _food_item,
    # The confirmation pages a delete button opens without JavaScript.
    "nutrition:item-delete": _food_item,
    "exercise:session-delete": _session,
    "exercise:entry-delete": _exercise_entry,
    "labs:lab-delete": _changeable_lab,
    # Edit pages: a patient edits only what they entered themselves; a note only its author, for a day.
    "labs:lab-edit": _changeable_lab,
    "patients:fracture-edit": _own_fracture,
    "nutrition:supplement-edit": _supplement,
    "nutrition:custom-food-edit": _custom_food,
    "clinic:note-edit": _fresh_note,
}


# Pages that show more for a query string, in the states a patient reaches: the day page with search results, and with
# the form that logs a picked food (htmx swaps the same markup in; nutrition:food-search and item-add serve it).
def _food_search(patient: PatientProfile) -> str:
    return "q=milk"


def _food_picked(patient: PatientProfile) -> str:
    return f"food={patient.nutrition_items.filter(food__isnull=False).latest('date').food_id}"


PAGE_STATES: dict[str, tuple[Callable[[PatientProfile], str], ...]] = {"nutrition:day": (_food_search, _food_picked)}

# Pages of a signed-in user that are about no one patient.
ACCOUNT_PAGES = ("reminders:notification-list", "account_change_password", "mfa_index")
# The code step of a care-team member's sign-in (checked by _sign_in).
SIGN_IN_STEPS = ("mfa_authenticate",)
# Pages of someone signed out ("home" is the landing page; signed in, it redirects to the role's start page).
SIGNED_OUT_PAGES = ("home", "account_login", "account_signup", "account_reset_password", "account_reset_password_done", "offline")

# Pages opened from an invitation's link (checked by test_invitation_pages_have_no_serious_accessibility_violation).
INVITATION_PAGES = ("careteams:staff-invitation-accept", "careteams:invitation-open")

# URL names that are not pages of their own, and why.
NOT_PAGES = {
    "careteams:invite": "a POST action",
    "careteams:invitation-cancel": "a POST action",
    "careteams:invitation-respond": "a POST action",
    "healthz": "a status probe, no HTML",
    "manifest": "the web app manifest, JSON",
    "service-worker": "the service worker's JavaScript",
    "account_logout": "a POST action; its GET page only asks to confirm",
    "account_inactive": "shown only to a deactivated account",
    "account_reauthenticate": "a step before a sensitive change, same layout as sign-in",
    "account_email": "email addresses are managed by the care team",
    "account_email_verification_sent": "shown once after sign-up, same layout as sign-in",
    "account_set_password": "for accounts without a password, which BoneTrack does not have",
    "account_reset_password_from_key": "needs a key from an email",
    "account_reset_password_from_key_done": "shown once after a reset, same layout as sign-in",
    "account_confirm_email": "needs a key from an email",
    "account_confirm_login_code": "login by code is off",
    "mfa_reauthenticate": "a step before a sensitive change, same layout as the code step",
    "mfa_activate_totp": "shown to a clinician without an authenticator; the demo clinicians have one",
    "mfa_deactivate_totp": "a POST action",
    "mfa_view_recovery_codes": "recovery codes are off",
    "mfa_generate_recovery_codes": "recovery codes are off",
    "mfa_download_recovery_codes": "a download",
    "careteams:revoke": "a POST action",
    "dashboard:checklist": "a POST action",
    "clinic:worklist-csv": "a CSV download",
    "dexa:scan-delete": "a POST action",
    "dexa:scan-verify": "a POST action",
    "dexa:scan-import-preview": "a POST action",
    "dexa:scan-reading-status": "a partial polled by dexa:scan-reading",
    "dexa:report-download": "a file download (the scan report)",
    "dexa:report-delete": "a POST action",
    "exercise:entry-add": "a POST action",
    "exercise:session-repeat": "a POST action",
    "nutrition:food-search": "an htmx fragment of the day page (checked as PAGE_STATES)",
    "nutrition:item-add": "an htmx fragment of the day page (checked as PAGE_STATES)",
    "nutrition:favourite-toggle": "a POST action",
    "nutrition:day-copy": "a POST action",
    "nutrition:custom-food-delete": "a POST action",
    "nutrition:supplement-stop": "a POST action",
    "nutrition:supplement-tick": "a POST action",
    "nutrition:item-undo": "a POST action (Undo)",
    "exercise:undo": "a POST action (Undo)",
    "labs:lab-undo": "a POST action (Undo)",
    "patients:fracture-delete": "a POST action",
    "patients:fall-add": "a POST action",
    "patients:fall-delete": "a POST action",
    "patients:account-deleted": "shown once after deleting an account",
    "portability:fhir-bundle": "a JSON download",
    "portability:fhir-import-preview": "a POST action",
    "portability:fhir-import": "a POST action",
    "portability:summary-pdf": "a PDF download",
    "portability:export-status": "an htmx fragment of the export page",
    "portability:export-download": "a ZIP download",
    "reminders:notification-bell": "an htmx fragment of every page's header",
    "reminders:notification-read-all": "a POST action",
    "reminders:notification-read": "a POST action",
    "reminders:unsubscribe": "needs a signed token from an email",
    "risk:frax-delete": "a POST action",
    "medications:course-delete": "a POST action",
    "medications:dose-tick": "a POST action",
    "medications:dose-delete": "a POST action",
}

# Violations in areas other work is still changing; each is one rule on one page at one size, never a whole rule.
# (rule id, URL name, size)
KNOWN_VIOLATIONS: set[tuple[str, str, str]] = set()

ROLES = {"self": "patient@example.com", "clinician": "clinician@example.com", "admin": "admin@example.com"}


@dataclass(frozen=True)
class Page:
    url_name: str
    kwargs: dict
    query: str = ""

    def url(self) -> str:
        path = reverse(self.url_name, kwargs=self.kwargs)
        return f"{path}?{self.query}" if self.query else path


def _may_open(url_name: str, role: str) -> bool:
    """Whether the authorization matrix lets `role` open the page (its plain GET case)."""
    cases = [case for case in CASES if case.url_name == url_name and case.method == "get" and not case.label]
    assert len(cases) == 1, f"{url_name}: expected one plain GET case in tests/*/authz_cases.py"
    return cases[0].expected[role] == OK


def _patient_pages(role: str, patient: PatientProfile) -> list[Page]:
    pages = []
    for url_name in [tab.url_name for tab in PATIENT_TABS] + list(SUBPAGES) + list(DETAIL_PAGES):
        if not _may_open(url_name, role):
            continue
        kwargs = {"patient_id": patient.pk}
        if url_name in DETAIL_PAGES:
            ids = DETAIL_PAGES[url_name](patient, role)
            if ids is None:
                continue
            kwargs |= ids
        pages.append(Page(url_name, kwargs))
        pages += [Page(url_name, kwargs, state(patient)) for state in PAGE_STATES.get(url_name, ())]
    return pages


def pages_for(role: str, patient: PatientProfile) -> list[Page]:
    """Every page `role` can open around the demo patient, in navigation order.

    An admin opens a patient's pages as a clinician does (the same care-team view, checked as the clinician), so only
    the admin's own pages are checked for the admin.
    """
    pages = []
    if role != "self":
        pages += [Page(link.url_name, {}) for link in CARE_TEAM_LINKS if _may_open(link.url_name, role)]
    if role != "admin":
        pages += _patient_pages(role, patient)
    pages += [Page(url_name, {}) for url_name in ACCOUNT_PAGES]
    return pages


def checked_url_names() -> set[str]:
    return (
        {tab.url_name for tab in PATIENT_TABS}
        | {link.url_name for link in CARE_TEAM_LINKS}
        | set(SUBPAGES)
        | set(DETAIL_PAGES)
        | set(ACCOUNT_PAGES)
        | set(SIGNED_OUT_PAGES)
        | set(SIGN_IN_STEPS)
        | set(INVITATION_PAGES)
    )


def test_every_get_url_is_checked_or_excused():
    names = {name for name in _url_names(get_resolver().url_patterns) if not name.startswith(EXEMPT_NAMESPACES)}
    checked = checked_url_names()
    unlisted = sorted(names - checked - set(NOT_PAGES))
    assert not unlisted, f"URL names neither checked by axe nor listed in NOT_PAGES: {unlisted}"
    stale = sorted((checked | set(NOT_PAGES)) - names)
    assert not stale, f"listed URL names that no longer exist: {stale}"
    assert not checked & set(NOT_PAGES), f"both checked and excused: {sorted(checked & set(NOT_PAGES))}"


class Report:
    """Serious and critical axe violations, with where they were found."""

    def __init__(self):
        # Each context loads axe-core into every page (see _context), so a check only runs it.
        self.axe = Axe(axe_script="typeof axe")
        self.lines: list[str] = []
        self.known_seen: set[tuple[str, str, str]] = set()
        self.pages = 0

    def check(self, page, where: str, url_name: str, size: str) -> None:
        self.pages += 1
        results = self.axe.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            key = (violation["id"], url_name, size)
            if key in KNOWN_VIOLATIONS:
                self.known_seen.add(key)
                continue
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            more = f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else ""
            self.lines.append(f"{where}: {violation['id']} [{violation['impact']}] {targets}{more}")


def _context(browser, size: str, **kwargs):
    context = browser.new_context(viewport=SIZES[size], **kwargs)
    context.add_init_script(path=AXE_FILE_PATH)
    return context


def _sign_in(context, base_url: str, email: str, report: Report, code_step: bool):
    """Sign in through the forms, checking the code step of a care-team member's sign-in on the way."""
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")
    if code_step:
        report.check(page, f"{email} mfa_authenticate at wide", "mfa_authenticate", "wide")
        page.locator("input[name=code]").fill(totp_code(DEMO_TOTP_SECRET))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("networkidle")
    assert "/accounts/" not in page.url, f"{email} is not signed in: {page.url}"
    return page


def _open_disclosures(page, scope: str) -> None:
    """Open every <details> inside `scope`, so that axe checks what they hide (e.g. "Details for your clinician")."""
    page.evaluate("scope => document.querySelectorAll(`${scope} details:not([open])`).forEach(d => { d.open = true; })", scope)


def _settle(page) -> None:
    """Wait for the page's own htmx requests (the notification bell loads after the page)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _empty_submits(page, report: Report, url: str, where: str, url_name: str, size: str, seen: set) -> int:
    """Submit each POST form that has required fields with those fields empty, and check the page with the errors.

    A form already submitted on this page by another role (`seen`: page, action and required fields) is not submitted again.
    Returns how many forms were submitted.
    """
    forms = page.locator("form[method=post i]:has([required])")
    submitted = 0
    for index in range(forms.count()):
        if submitted:
            page.goto(url)
            _settle(page)
        form = forms.nth(index)
        submit = form.locator("button[type=submit], button:not([type]), input[type=submit]").first
        required = form.evaluate("form => [...form.querySelectorAll('[required]')].map(field => field.name).join()")
        key = (url_name, form.get_attribute("action"), required)
        if key in seen or not form.is_visible() or not submit.is_visible():
            continue
        seen.add(key)
        form.evaluate(
            """form => {
                form.noValidate = true;
                for (const field of form.querySelectorAll('[required]')) {
                    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
                    else field.value = '';
                }
            }"""
        )
        if form.get_attribute("hx-post"):
            with page.expect_response(lambda response: response.request.method == "POST"):
                submit.click()
        else:
            with page.expect_navigation():
                submit.click()
        _settle(page)
        submitted += 1
        report.check(page, f"{where} after an empty submit of form {index + 1} ({key[1]})", url_name, size)
    return submitted


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True
    settings.BONETRACK_REQUIRE_MFA = True
    cache.clear()
    call_command("seed_demo", verbosity=0)
    return PatientProfile.objects.get(user__email="patient@example.com")


def test_every_page_has_no_serious_accessibility_violation(demo, live_server, browser):
    started = time.monotonic()
    report = Report()
    base = live_server.url
    for size in SIZES:
        context = _context(browser, size)
        page = context.new_page()
        for url_name in SIGNED_OUT_PAGES:
            page.goto(base + reverse(url_name))
            report.check(page, f"signed out {url_name} at {size}", url_name, size)
        context.close()
    forms, seen_forms = 0, set()
    for role, email in ROLES.items():
        wide = _context(browser, "wide")
        contexts = {"wide": _sign_in(wide, base, email, report, code_step=role != "self")}
        phone = _context(browser, "phone", storage_state=wide.storage_state())
        contexts["phone"] = phone.new_page()
        targets = pages_for(role, demo)
        for size, page in contexts.items():
            for target in targets:
                url = base + target.url()
                response = page.goto(url)
                _settle(page)
                where = f"{role} {target.url_name}{'?' + target.query if target.query else ''} at {size}"
                assert response.ok, f"{where}: HTTP {response.status}"
                assert page.url == url, f"{where}: redirected to {page.url}"
                _open_disclosures(page, "main")
                report.check(page, where, target.url_name, size)
                if target == targets[0] or target.url_name == PATIENT_TABS[0].url_name:
                    # The header's menus (the account menu; a patient's pages behind a button on a phone) opened.
                    _open_disclosures(page, "header")
                    report.check(page, f"{where} with the header's menus open", target.url_name, size)
                # Error messages are checked where they crowd most: on a phone.
                if size == "phone":
                    forms += _empty_submits(page, report, url, where, target.url_name, size, seen_forms)
        wide.close()
        phone.close()
    elapsed = time.monotonic() - started
    print(f"axe checked {report.pages} page states ({forms} forms submitted empty) in {elapsed:.1f} s")
    assert not report.lines, "Serious or critical accessibility violations:\n" + "\n".join(report.lines)
    unused = KNOWN_VIOLATIONS - report.known_seen
    assert not unused, f"known violations no longer found (remove them from KNOWN_VIOLATIONS): {sorted(unused)}"


def test_invitation_pages_have_no_serious_accessibility_violation(transactional_db, live_server, browser):
    """The pages an invitation link opens (with a fixture token), the page it gives for a link that no longer works,
    and the lists of invitations on the patient's care team page and the clinician's worklist."""
    patient, clinician = PatientFactory(), ClinicianFactory()
    _, care_team_token = care_team_invitation(patient=patient, clinician=clinician)
    _, staff_token = staff_invitation()
    report, base = Report(), live_server.url
    signed_out = {
        "careteams:staff-invitation-accept": reverse("careteams:staff-invitation-accept", kwargs={"token": staff_token}),
        "careteams:invitation-unusable": reverse("careteams:staff-invitation-accept", kwargs={"token": "no-such-token"}),
    }
    signed_in = {
        clinician: {
            "careteams:invitation-open": reverse("careteams:invitation-open", kwargs={"token": care_team_token}),
            "clinic:worklist": reverse("clinic:worklist"),
        },
        patient.user: {"careteams:care-team": reverse("careteams:care-team", kwargs={"patient_id": patient.pk})},
    }
    seen_forms: set = set()
    for size in SIZES:
        context = _context(browser, size)
        page = context.new_page()
        for url_name, path in signed_out.items():
            page.goto(base + path)
            report.check(page, f"signed out {url_name} at {size}", url_name, size)
            if size == "phone":
                _empty_submits(page, report, base + path, f"signed out {url_name}", url_name, size, seen_forms)
        for user, pages in signed_in.items():
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Email").fill(user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_load_state("networkidle")
            for url_name, path in pages.items():
                response = page.goto(base + path)
                _settle(page)
                assert response.ok, f"{url_name}: HTTP {response.status}"
                report.check(page, f"{user.role} {url_name} at {size}", url_name, size)
                if size == "phone":
                    _empty_submits(page, report, base + path, f"{user.role} {url_name}", url_name, size, seen_forms)
            context.clear_cookies()
        context.close()
    assert not report.lines, "Serious or critical accessibility violations:\n" + "\n".join(report.lines)
