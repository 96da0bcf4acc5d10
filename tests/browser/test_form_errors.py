"""After a submit with errors the focus is on the first error: the first invalid field, or the message not tied to one
field (role="alert"), on full-page forms and on forms that htmx swaps in place; inline checks never move it."""

from playwright.sync_api import expect

from exercise.library import load_library
from tests.dexa.factories import FacilityFactory
from tests.factories import PatientFactory

FOCUSED = """() => {
  const el = document.activeElement;
  return {id: el.id, invalid: el.getAttribute("aria-invalid"), role: el.getAttribute("role"),
          first: el === document.querySelector("[aria-invalid='true'], form [role='alert']")};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def test_dexa_scan_form_focuses_the_first_invalid_field_then_the_site_message(live_server, sign_in):
    FacilityFactory(name="Riverside Imaging")
    patient = PatientFactory()
    page = sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/scans/add/")
    page.get_by_role("button", name="Save scan").click()
    page.wait_for_load_state()
    expect(page.locator("#id_scanned_on")).to_be_focused()
    assert focused(page) == {"id": "id_scanned_on", "invalid": "true", "role": None, "first": True}

    # A date in the future: the inline check marks it while typing, and the focus stays where the user went next.
    page.locator("#id_scanned_on").fill("2099-01-01")
    page.locator("#id_model").focus()
    expect(page.locator("#id_scanned_on_error")).to_contain_text("can't be in the future")
    expect(page.locator("#id_model")).to_be_focused()

    # Scan details right, no site: the message for the group of sites gets the focus, and is announced.
    page.locator("#id_scanned_on").fill("2024-05-02")
    page.locator("#id_facility").select_option(label="Riverside Imaging")
    page.locator("#id_make").select_option("hologic")
    expect(page.locator("#id_scanned_on_error")).to_have_count(0)
    page.get_by_role("button", name="Save scan").click()
    page.wait_for_load_state()
    alert = page.locator("#sites-error")
    expect(alert).to_be_focused()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_have_text("Enter the results of at least one site.")
    assert focused(page)["first"] is True

    # An unusual score is asked about before saving: that question gets the focus the same way.
    page.locator("#id_lumbar_spine-bmd").fill("0.800")
    page.locator("#id_lumbar_spine-t_score").fill("-6.0")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Save scan").click()
    page.wait_for_load_state()
    question = page.locator("#scan-form .message-warning")
    expect(question).to_be_focused()
    expect(question).to_contain_text("Please double-check")
    expect(page.get_by_role("button", name="Save anyway")).to_be_visible()


def test_custom_food_form_focuses_its_first_invalid_field(live_server, sign_in):
    patient = PatientFactory()
    page = sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/nutrition/foods/")
    page.get_by_role("button", name="Save food").click()
    page.wait_for_load_state()
    expect(page.locator("#id_description")).to_be_focused()
    assert focused(page)["invalid"] == "true"


def test_fall_form_focuses_its_date_below_the_answers_form(live_server, sign_in):
    patient = PatientFactory()
    page = sign_in(patient.user)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/patients/{patient.pk}/risk-factors/")
    page.get_by_role("button", name="Record fall").click()
    page.wait_for_load_state()
    date = page.locator("#id_fall-occurred_on")
    expect(date).to_be_focused()
    expect(date).to_be_in_viewport()  # the form further down the page is scrolled to
    assert focused(page) == {"id": "id_fall-occurred_on", "invalid": "true", "role": None, "first": True}


def test_a_wrong_password_focuses_the_message(live_server, page):
    patient = PatientFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(patient.user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    message = page.locator(".form-errors")
    expect(message).to_be_focused()
    expect(message).to_have_attribute("role", "alert")
    expect(message).to_contain_text("not correct")


def test_exercise_quick_add_swapped_by_htmx_focuses_its_first_invalid_field(live_server, sign_in, transactional_db):
    load_library()  # the live server's flushed database has no data-migration rows
    patient = PatientFactory(user__time_zone="Europe/London")
    page = sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/exercise/")
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Log it").click()
    exercise = page.locator("#week-body").get_by_label("Exercise:")
    expect(exercise).to_have_attribute("aria-invalid", "true")
    expect(exercise).to_be_focused()
    assert focused(page)["first"] is True
    assert page.evaluate("window.__noReload") is True  # swapped in place, not a new page
