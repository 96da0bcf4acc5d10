"""After a submit with errors: each invalid input is marked (aria-invalid) and names its error text (aria-describedby);
errors not tied to one field are announced (role="alert"); every page loads static/js/form-errors.js, which moves the
focus to the first error (tested in tests/browser/test_form_errors.py)."""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from nutrition.forms import CustomFoodForm
from tests.dexa.factories import FacilityFactory
from tests.factories import PASSWORD
from tests.nutrition.factories import FoodFactory

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Every element with its attributes, its ancestors' attributes and (for elements with an id) its text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "ancestors": [e["attrs"] for e in self._open], "text": ""}
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def by_id(self, element_id: str) -> dict:
        (element,) = [e for e in self.elements if e["attrs"].get("id") == element_id]
        return element

    def invalid_inputs(self) -> list[dict]:
        return [e for e in self.elements if e["attrs"].get("aria-invalid") == "true"]

    def described_by(self, element: dict) -> str:
        """The text of the elements the input's aria-describedby names."""
        ids = (element["attrs"].get("aria-describedby") or "").split()
        return " ".join(" ".join(self.by_id(i)["text"].split()) for i in ids)

    def announced(self, text: str) -> bool:
        """Whether `text` is inside an element with role="alert"."""
        return any(e["attrs"].get("role") == "alert" and text in " ".join(e["text"].split()) for e in self.elements)

    def nonfield_lists_outside_alerts(self) -> list[str]:
        return [
            " ".join(e["text"].split())
            for e in self.elements
            if "nonfield" in (e["attrs"].get("class") or "").split()
            and not any(a.get("role") == "alert" for a in [e["attrs"], *e["ancestors"]])
        ]


def scan_add_url(patient) -> str:
    return reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})


def test_an_empty_scan_form_marks_each_invalid_field_and_links_its_error(patient_client, patient):
    response = patient_client.post(scan_add_url(patient), {})
    assert response.status_code == 200
    page = Page(response.content.decode())
    invalid = {e["attrs"]["name"]: page.described_by(e) for e in page.invalid_inputs()}
    assert invalid == {
        "scanned_on": "This field is required.",
        "facility": "Choose the facility, or type its name below.",
        "make": "This field is required.",
    }
    date = page.by_id("id_scanned_on")
    assert date["attrs"]["aria-describedby"] == "id_scanned_on_error"
    # The site error is not tied to one input: the group of sites names it and it is announced.
    assert page.announced("Enter the results of at least one site.")
    sites = page.by_id("sites-error")
    assert (sites["attrs"]["role"], sites["attrs"]["class"]) == ("alert", "form-errors")
    assert [e for e in page.elements if e["tag"] == "fieldset" and "sites-error" in e["attrs"].get("aria-describedby", "")]


def test_a_scan_with_no_site_announces_the_site_error_and_marks_no_input(patient_client, patient):
    data = {"scanned_on": "2024-05-02", "facility": str(FacilityFactory().pk), "make": "hologic", "model": ""}
    response = patient_client.post(scan_add_url(patient), data)
    page = Page(response.content.decode())
    assert page.invalid_inputs() == []
    assert page.announced("Enter the results of at least one site.")
    fieldset = next(e for e in page.elements if e["tag"] == "fieldset" and "sites-help" in e["attrs"].get("aria-describedby", ""))
    assert fieldset["attrs"]["aria-describedby"] == "sites-help sites-error"
    assert page.described_by(fieldset).endswith("Enter the results of at least one site.")


def test_a_valid_scan_page_has_no_error_markers(patient_client, patient):
    page = Page(patient_client.get(scan_add_url(patient)).content.decode())
    assert page.invalid_inputs() == []
    assert not [e for e in page.elements if e["attrs"].get("id") == "sites-error"]
    assert not [e for e in page.elements if e["attrs"].get("role") == "alert"]


def test_a_fall_in_the_future_is_marked_and_linked(patient_client, patient):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    url = reverse("patients:fall-add", kwargs={"patient_id": patient.pk})
    response = patient_client.post(url, {"fall-occurred_on": tomorrow.isoformat(), "fall-notes": "On the stairs"})
    assert response.status_code == 422
    page = Page(response.content.decode())
    (date,) = page.invalid_inputs()
    assert (date["attrs"]["id"], date["attrs"]["aria-describedby"]) == ("id_fall-occurred_on", "id_fall-occurred_on_error")
    assert "future" in page.described_by(date)
    assert page.by_id("id_fall-notes")["attrs"]["value"] == "On the stairs"  # nothing typed is lost


def test_an_empty_custom_food_marks_the_name_and_links_its_error(patient_client, patient):
    url = reverse("nutrition:custom-food-list", kwargs={"patient_id": patient.pk})
    response = patient_client.post(url, {"basis": "100g"})
    assert response.status_code == 422
    page = Page(response.content.decode())
    described = {e["attrs"]["name"]: page.described_by(e) for e in page.invalid_inputs()}
    assert described["description"] == "Only you see your own foods. This field is required."  # help, then error
    assert all(text.endswith("This field is required.") for text in described.values())


def test_every_radio_of_an_invalid_group_names_the_group_error():
    """Django links a radio group's error to its fieldset only; each radio names it too (FORM_RENDERER)."""
    form = CustomFoodForm({"basis": "per litre", "description": "Oat drink"})
    assert not form.is_valid()
    page = Page(str(form["basis"].as_field_group()))
    radios = [e for e in page.elements if e["attrs"].get("type") == "radio"]
    assert len(radios) == 2
    assert {r["attrs"]["aria-describedby"] for r in radios} == {"id_basis_error"}
    assert all(r["attrs"]["aria-invalid"] == "true" for r in radios)
    assert page.described_by(radios[0]).startswith("Select a valid choice.")


def test_the_project_form_renderer_is_used():
    assert settings.FORM_RENDERER == "bonetrack.core.forms.FormRenderer"


def test_a_wrong_password_is_announced(client, patient):
    response = client.post(reverse("account_login"), {"login": patient.user.email, "password": PASSWORD + "x"})
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert page.announced("The email address and/or password you specified are not correct.")
    assert page.nonfield_lists_outside_alerts() == []
    assert page.by_id("id_login")["attrs"]["name"] == "login"  # sign in keeps Django's field markup and labels
    assert [e for e in page.elements if e["tag"] == "label" and e["attrs"].get("for") == "id_login"]


def test_an_empty_sign_up_marks_and_links_each_field(client, db):
    response = client.post(reverse("account_signup"), {})
    page = Page(response.content.decode())
    described = {e["attrs"]["name"]: page.described_by(e) for e in page.invalid_inputs()}
    assert set(described) >= {"email", "password1"}
    assert all("required" in text for text in described.values())


def test_an_htmx_add_with_a_bad_amount_comes_back_marked(patient_client, patient):
    food = FoodFactory(ndb_no="T9f01", description="Yoghurt, plain", calcium_mg=120)
    url = reverse("nutrition:item-add", kwargs={"patient_id": patient.pk})
    data = {"date": dt.date.today().isoformat(), "food": food.pk, "meal": "lunch", "portion": "g", "quantity": "0"}
    response = patient_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == "#add-panel"
    page = Page(response.content.decode())
    (quantity,) = page.invalid_inputs()
    assert quantity["attrs"]["name"] == "quantity"
    assert quantity["attrs"]["aria-describedby"] == "id_quantity_error"
    assert page.described_by(quantity)


NON_FIELD = re.compile(r"\{\{\s*[\w.]*(non_field_errors|non_form_errors)\s*\}\}")


def test_every_template_announces_errors_not_tied_to_a_field():
    """Each template line that shows a form's (or formset's) non-field errors puts them in a role="alert" box."""
    lines = [
        f"{path}:{number}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if NON_FIELD.search(line) and 'role="alert"' not in line
    ]
    assert lines == []


def test_every_page_loads_the_focus_script(patient_client, patient):
    body = patient_client.get(reverse("patients:risk-factors", kwargs={"patient_id": patient.pk})).content.decode()
    assert '<script src="/static/js/form-errors.js" defer></script>' in body
