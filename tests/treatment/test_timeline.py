"""Doses and open prompts on the patient timeline: each kind, paging with `before`, and a fixed number of queries."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from bonetrack.core.dates import local_midnight
from bonetrack.treatment import timeline
from tests.factories import CourseFactory, DoseFactory

NOW = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)
DENOSUMAB = "denosumab-60mg-6-monthly"
KINDS = set(timeline.KINDS)


@pytest.fixture
def history(patient):
    """Denosumab given four times (the last on 15 Nov 2024, so 31 days late today), one missed, and daily tablets."""
    course = CourseFactory(patient=patient, regimen_slug=DENOSUMAB, started_on=dt.date(2023, 5, 15))
    for day in (dt.date(2023, 5, 15), dt.date(2023, 11, 15), dt.date(2024, 5, 15), dt.date(2024, 11, 15)):
        DoseFactory(course=course, on=day, site="left arm" if day.year == 2024 else "", lot="L42" if day.year == 2024 else "")
    DoseFactory(course=course, on=dt.date(2024, 5, 1), status="missed")
    tablets = CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=dt.date(2025, 6, 1))
    for n in range(10):
        DoseFactory(course=tablets, on=dt.date(2025, 6, 1) + dt.timedelta(days=n))
    return course


@time_machine.travel(NOW, tick=False)
def test_each_kind_newest_first(patient, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the doses, and the courses behind the prompts
        events = timeline.timeline_events(patient, before=None, limit=20, kinds=KINDS)
    assert [(e.kind, e.when.date(), e.title) for e in events] == [
        ("treatment_prompt", dt.date(2025, 6, 15), "Denosumab dose late"),
        ("dose", dt.date(2024, 11, 15), "Denosumab given at the clinic"),
        ("dose", dt.date(2024, 5, 15), "Denosumab given at the clinic"),
        ("dose", dt.date(2024, 5, 1), "Denosumab dose missed"),
        ("dose", dt.date(2023, 11, 15), "Denosumab given at the clinic"),
        ("dose", dt.date(2023, 5, 15), "Denosumab given at the clinic"),
    ]  # the daily tablets taken are not events
    assert events[0].badges == (("High priority", "danger"),)
    assert "31 days late" in events[0].body
    assert events[1].body == "60 mg every 6 months; site left arm, lot L42."
    assert events[3].badges == (("Missed", "warning"),)
    assert events[1].url == reverse("medications:course-detail", kwargs={"patient_id": patient.pk, "course_id": history.pk})
    assert [e.kind for e in timeline.timeline_events(patient, before=None, limit=20, kinds={"dose"})] == ["dose"] * 5
    assert [e.kind for e in timeline.timeline_events(patient, before=None, limit=20, kinds={"treatment_prompt"})] == [
        "treatment_prompt"
    ]
    assert timeline.timeline_events(patient, before=None, limit=0, kinds=KINDS) == []


@time_machine.travel(NOW, tick=False)
def test_pages_follow_before(patient, history, django_assert_max_num_queries):
    zone = zoneinfo.ZoneInfo(patient.user.time_zone)
    first = timeline.timeline_events(patient, before=None, limit=2, kinds=KINDS)
    assert [e.when.date() for e in first] == [dt.date(2025, 6, 15), dt.date(2024, 11, 15)]
    with django_assert_max_num_queries(1):  # a page before today holds no prompt: one query
        second = timeline.timeline_events(patient, before=first[-1].when, limit=2, kinds=KINDS)
    assert [e.when.date() for e in second] == [dt.date(2024, 5, 15), dt.date(2024, 5, 1)]
    # A moment inside a day keeps that day's dose; its midnight does not.
    noon = dt.datetime(2024, 5, 15, 12, tzinfo=zone)
    assert timeline.timeline_events(patient, before=noon, limit=1, kinds={"dose"})[0].when.date() == dt.date(2024, 5, 15)
    midnight = local_midnight(dt.date(2024, 5, 15), zone)
    assert timeline.timeline_events(patient, before=midnight, limit=1, kinds={"dose"})[0].when.date() == dt.date(2024, 5, 1)


@time_machine.travel(NOW, tick=False)
def test_the_workspace_timeline_shows_them_once(clinician_client, patient, history):
    response = clinician_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    titles = [event.title for event, _ in response.context_data["entries"]]
    assert titles.count("Denosumab dose late") == 1
    assert titles.count("Denosumab given at the clinic") == 4
    assert sum(title.startswith("Started") for title in titles) == 2  # the courses themselves, from the clinic source


@time_machine.travel(NOW, tick=False)
def test_patients_see_their_doses_but_read_prompts_on_their_own_pages(patient_client, patient, history):
    response = patient_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    kinds = {event.kind for event, _ in response.context_data["entries"]}
    assert "dose" in kinds
    assert "treatment_prompt" not in kinds
    assert "treatment_prompt" not in {choice["key"] for choice in response.context_data["kind_choices"]}
