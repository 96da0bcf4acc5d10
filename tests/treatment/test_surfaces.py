"""The safety prompts where the patient sees them: the medication page and a dashboard card, in plain words."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from bonetrack.treatment import prompts
from tests.dexa.test_pages import seed_years
from tests.factories import CourseFactory, DoseFactory

NOW = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)
DENOSUMAB = "denosumab-60mg-6-monthly"
RULE_WORDS = re.compile(r"\bR1[16]\b|" + "|".join(prompts.PROMPT_CODES) + r"|anti-resorptive")


def _late_denosumab(patient):
    course = CourseFactory(patient=patient, regimen_slug=DENOSUMAB, started_on=dt.date(2023, 5, 15))
    DoseFactory(course=course, on=dt.date(2023, 5, 15))
    DoseFactory(course=course, on=dt.date(2024, 11, 15))
    return course


def _medication_page(client, patient) -> str:
    return client.get(reverse("medications:course-list", kwargs={"patient_id": patient.pk})).content.decode()


def _dashboard(client, patient) -> str:
    return client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_medication_page_shows_the_prompt_in_plain_words(patient_client, patient):
    _late_denosumab(patient)
    html = _medication_page(patient_client, patient)
    section = html[html.index('id="prompts-heading"') : html.index("</section>", html.index('id="prompts-heading"'))]
    assert "Your Denosumab injection was due on 15 May 2025 and has not been recorded." in section
    assert "Urgent" in section
    assert not RULE_WORDS.search(section)
    assert "days late" not in section  # the care team's wording stays with the care team


@time_machine.travel(NOW, tick=False)
def test_no_prompt_no_section_and_no_dashboard_card(patient_client, patient):
    CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    assert 'id="prompts-heading"' not in _medication_page(patient_client, patient)
    assert "treatment-panel-heading" not in _dashboard(patient_client, patient)


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_card_lists_every_open_prompt(patient_client, patient):
    _late_denosumab(patient)
    CourseFactory(patient=patient, started_on=dt.date(2020, 6, 15))  # alendronate for 5 years: review
    html = _dashboard(patient_client, patient)
    card = html[html.index('id="treatment-panel-heading"') : html.index("</section>", html.index('id="treatment-panel-heading"'))]
    assert card.index("Your Denosumab injection") < card.index("for 5 years")  # highest level first
    assert not RULE_WORDS.search(card)
    assert reverse("medications:course-list", kwargs={"patient_id": patient.pk}) in card


@pytest.mark.parametrize("with_doses", [False, True])
@time_machine.travel(NOW, tick=False)
def test_dashboard_stays_within_budget_with_medication(patient_client, patient, django_assert_max_num_queries, with_doses):
    seed_years(patient, 10)
    CourseFactory(patient=patient, started_on=dt.date(2015, 1, 5), ended_on=dt.date(2020, 1, 6), stop_reason="finished")
    if with_doses:
        _late_denosumab(patient)
    # Budget 12 for the whole dashboard as the patient sees it (a clinician's view adds the audit INSERT), plus 1 for
    # the first-run checklist. The courses are read once for the medication card and the chart's bands together.
    with django_assert_max_num_queries(13):
        html = _dashboard(patient_client, patient)
    assert html.count("dexa-medication-list") == 1
