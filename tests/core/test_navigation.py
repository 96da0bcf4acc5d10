"""The navigation marks the current page with aria-current="page" and names it on the phone menu button."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from bonetrack.core.navigation import PATIENT_TABS, patient_tabs

pytestmark = pytest.mark.django_db


class _NavReader(HTMLParser):
    """Collects, per <nav aria-label>, its links as (label, aria-current) and the text of its menu button."""

    def __init__(self):
        super().__init__()
        self.links: dict[str, list[tuple[str, str | None]]] = {}
        self.buttons: dict[str, str] = {}
        self._nav: str | None = None
        self._link: list | None = None
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._nav = attrs.get("aria-label", "")
            self.links[self._nav] = []
            self.buttons[self._nav] = ""
        elif tag == "a" and self._nav is not None:
            self._link = ["", attrs.get("aria-current")]
        elif tag == "summary" and self._nav is not None:
            self._in_summary = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = None
        elif tag == "a" and self._link is not None:
            self.links[self._nav].append((self._link[0].strip(), self._link[1]))
            self._link = None
        elif tag == "summary":
            self._in_summary = False

    def handle_data(self, data):
        if self._link is not None:
            self._link[0] += data
        if self._in_summary:
            self.buttons[self._nav] += data


def _read(response) -> _NavReader:
    assert response.status_code == 200
    reader = _NavReader()
    reader.feed(response.content.decode())
    return reader


def _current(links) -> list[str]:
    return [label for label, current in links if current == "page"]


def test_a_patient_page_marks_its_own_tab_only(patient_client, patient):
    nav = _read(patient_client.get(reverse("labs:lab-list", kwargs={"patient_id": patient.pk})))
    assert [label for label, _ in nav.links["Main"]] == [tab.label for tab in PATIENT_TABS]
    assert _current(nav.links["Main"]) == ["Labs"]
    assert " ".join(nav.buttons["Main"].split()) == "Menu, you are on: Labs"


def test_a_page_inside_a_section_marks_the_section(patient_client, patient):
    nav = _read(patient_client.get(reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})))
    assert _current(nav.links["Main"]) == ["Bone density"]


def test_a_clinician_sees_the_record_tabs_marked_and_no_care_team_link_marked(clinician_client, patient):
    nav = _read(clinician_client.get(reverse("exercise:week", kwargs={"patient_id": patient.pk})))
    assert [label for label, _ in nav.links["Main"]] == ["Worklist", "Patients"]
    assert _current(nav.links["Main"]) == []
    assert _current(nav.links["Patient record"]) == ["Exercise"]
    assert " ".join(nav.buttons["Patient record"].split()) == "Record pages, you are on: Exercise"
    # The care team's two links need no menu button.
    assert nav.buttons["Main"] == ""


def test_the_worklist_marks_its_care_team_link(clinician_client):
    nav = _read(clinician_client.get(reverse("clinic:worklist")))
    assert _current(nav.links["Main"]) == ["Worklist"]


def test_a_page_outside_every_tab_marks_none(patient):
    tabs = patient_tabs(patient, "account_change_password")
    assert [tab["current"] for tab in tabs] == [False] * len(PATIENT_TABS)
    assert [tab["label"] for tab in patient_tabs(patient, "reminders:reminder-list") if tab["current"]] == ["Reminders"]
