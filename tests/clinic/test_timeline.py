import datetime as dt
import types
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bonetrack.audit.events import record_event
from bonetrack.clinic import timeline as clinic_timeline
from bonetrack.clinic import workspace
from bonetrack.clinic.models import ClinicalNote
from bonetrack.core.worklist import TimelineEvent
from tests.factories import CourseFactory, FractureFactory

UTC = dt.UTC


def _url(patient) -> str:
    return reverse("clinic:timeline", kwargs={"patient_id": patient.pk})


def _note(patient, author, body, when):
    return ClinicalNote.objects.create(patient=patient, author=author, body=body, created_at=when)


def _titles(response) -> list[str]:
    return [event.title for event, _label in response.context_data["entries"]]


def test_feed_merges_notes_and_fractures_newest_first(clinician_client, patient, clinician):
    FractureFactory(patient=patient, site="hip", occurred_on=dt.date(2023, 6, 1))
    FractureFactory(patient=patient, site="wrist", occurred_on=dt.date(2020, 2, 1), fragility=False)
    _note(patient, clinician, "Started on calcium.", dt.datetime(2024, 1, 10, 9, tzinfo=UTC))
    _note(patient, clinician, "First visit.", dt.datetime(2019, 5, 5, 9, tzinfo=UTC))
    response = clinician_client.get(_url(patient))
    assert response.status_code == 200
    assert _titles(response) == [
        f"Note by {clinician.display_name}",
        "Hip fracture",
        "Wrist (distal forearm) fracture",
        f"Note by {clinician.display_name}",
    ]
    body = response.content.decode()
    assert "Started on calcium." in body and "Fragility fracture" in body and "High-trauma fracture" in body
    assert "Add a note" in body


def test_patient_sees_their_timeline_without_clinician_notes(patient_client, patient, clinician):
    FractureFactory(patient=patient, site="hip", occurred_on=dt.date(2023, 6, 1))
    _note(patient, clinician, "Private to the team.", timezone.now())
    response = patient_client.get(_url(patient))
    assert response.status_code == 200
    assert _titles(response) == ["Hip fracture"]
    assert b"Private to the team." not in response.content
    assert b"Add a note" not in response.content
    assert "note" not in {choice["key"] for choice in response.context_data["kind_choices"]}
    # Asking for notes explicitly changes nothing.
    assert _titles(patient_client.get(_url(patient), {"kinds": "note"})) == ["Hip fracture"]


def test_filter_by_kind(clinician_client, patient, clinician):
    FractureFactory(patient=patient, occurred_on=dt.date(2023, 6, 1))
    _note(patient, clinician, "A note.", timezone.now())
    response = clinician_client.get(_url(patient), {"kinds": "fracture"})
    assert _titles(response) == ["Wrist (distal forearm) fracture"]
    assert [c["key"] for c in response.context_data["kind_choices"] if c["checked"]] == ["fracture"]


def test_pages_with_before_lose_nothing(clinician_client, patient, clinician):
    start = dt.datetime(2024, 1, 1, 12, tzinfo=UTC)
    for i in range(45):
        _note(patient, clinician, f"Note {i}", start + dt.timedelta(days=i))
    seen = []
    response = clinician_client.get(_url(patient))
    seen += [event.body for event, _ in response.context_data["entries"]]
    assert len(seen) == 20
    older = response.context_data["older_query"]
    assert older and f'href="?{older.replace("&", "&amp;")}"' in response.content.decode()
    while older:
        response = clinician_client.get(f"{_url(patient)}?{older}", HTTP_HX_REQUEST="true")
        assert b"<html" not in response.content
        seen += [event.body for event, _ in response.context_data["entries"]]
        older = response.context_data["older_query"]
    assert seen == [f"Note {i}" for i in reversed(range(45))]


def test_events_at_the_same_moment_stay_on_one_page(clinician_client, patient, clinician):
    moment = dt.datetime(2024, 3, 1, 8, tzinfo=UTC)
    for i in range(22):
        _note(patient, clinician, f"Same {i}", moment)
    _note(patient, clinician, "Earlier", moment - dt.timedelta(days=1))
    response = clinician_client.get(_url(patient))
    assert len(response.context_data["entries"]) == 22
    older = clinician_client.get(f"{_url(patient)}?{response.context['older_query']}", HTTP_HX_REQUEST="true")
    assert [event.body for event, _ in older.context_data["entries"]] == ["Earlier"]
    assert older.context_data["older_query"] == ""


def test_fractures_sit_at_local_midnight_and_page_by_date(patient, clinician):
    patient.user.time_zone = "America/New_York"
    patient.user.save()
    FractureFactory(patient=patient, occurred_on=dt.date(2023, 6, 1))
    FractureFactory(patient=patient, occurred_on=dt.date(2023, 6, 2), site="hip")
    zone = zoneinfo.ZoneInfo("America/New_York")
    events = clinic_timeline.timeline_events(patient, before=None, limit=10, kinds={"fracture"})
    assert events[0].when == dt.datetime(2023, 6, 2, tzinfo=zone)
    at_midnight = clinic_timeline.timeline_events(patient, before=events[0].when, limit=10, kinds={"fracture"})
    assert [e.title for e in at_midnight] == ["Wrist (distal forearm) fracture"]
    later_that_day = dt.datetime(2023, 6, 2, 15, tzinfo=zone)
    assert len(clinic_timeline.timeline_events(patient, before=later_that_day, limit=10, kinds={"fracture"})) == 2


def test_other_apps_events_and_header_are_merged(clinician_client, patient, clinician, monkeypatch):
    calls = []

    def timeline_events(p, *, before, limit, kinds):
        calls.append(kinds)
        return [
            TimelineEvent(dt.datetime(2025, 1, 1, tzinfo=UTC), "scan", "DXA scan", badges=(("Osteopenia", "warning"),)),
            TimelineEvent(dt.datetime(2018, 1, 1, tzinfo=UTC), "scan", "Baseline DXA scan"),
        ]

    fake = types.SimpleNamespace(
        KINDS={"scan": "Scans"},
        timeline_events=timeline_events,
        timeline_header=lambda request, p: {"template": "clinic/cells/name.html", "patient": p},
    )
    monkeypatch.setattr(workspace, "TIMELINE_SOURCES", (clinic_timeline, fake))
    FractureFactory(patient=patient, occurred_on=dt.date(2020, 1, 1))
    response = clinician_client.get(_url(patient))
    assert _titles(response) == ["DXA scan", "Wrist (distal forearm) fracture", "Baseline DXA scan"]
    assert [header["template"] for header in response.context_data["headers"]] == ["clinic/cells/name.html"]
    assert b"Osteopenia" in response.content
    assert calls == [{"scan"}]
    # A module none of whose kinds is asked for is not called.
    clinician_client.get(_url(patient), {"kinds": "fracture"})
    assert calls == [{"scan"}]


def test_invalid_before_shows_the_first_page(clinician_client, patient, clinician):
    _note(patient, clinician, "Only note", timezone.now())
    response = clinician_client.get(_url(patient), {"before": "yesterday"})
    assert [event.body for event, _ in response.context_data["entries"]] == ["Only note"]


@pytest.mark.parametrize("htmx", [False, True])
def test_query_count_is_fixed(client, patient, clinician, django_assert_max_num_queries, htmx):
    for i in range(40):
        _note(patient, clinician, f"Note {i}", timezone.now() - dt.timedelta(days=i))
        FractureFactory(patient=patient, occurred_on=dt.date(2000 + i % 20, 1, 1 + i % 28))
        record_event(
            patient,
            "targets_changed",
            by=clinician if i % 2 else patient.user,
            summary=f"Change {i}",
            at=timezone.now() - dt.timedelta(days=i, hours=1),
        )
    client.force_login(clinician)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # session, user, patient, audit insert, one query per timeline source (notes, fractures, medication courses,
    # changes to the record, scans, nutrition, exercise, reminders, labs, doses, FRAX results and falls, and the
    # courses behind the medication prompts, which the chart's medication bands reuse), and ATOMIC_REQUESTS'
    # savepoints; a full page adds the headers (the chart's scans, the fracture risk flags) and the note form's scan
    # choices. The nutrition source reads only the last months a page can show, and looks further back (one more
    # query) when gaps in logging leave that window short, as here, where nothing is logged at all.
    with django_assert_max_num_queries(20 if htmx else 24):
        response = client.get(_url(patient), **headers)
    assert len(response.context_data["entries"]) == 20


def test_medication_events_from_the_courses(patient, clinician, django_assert_num_queries):
    patient.user.time_zone = "America/New_York"
    patient.user.save()
    zone = zoneinfo.ZoneInfo("America/New_York")
    stopped = {"ended_on": dt.date(2022, 4, 5), "stop_reason": "side_effects"}
    CourseFactory(patient=patient, started_on=dt.date(2019, 1, 7), prescriber="Dr Lee", **stopped)
    CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2022, 4, 5))
    with django_assert_num_queries(1):
        events = clinic_timeline.timeline_events(patient, before=None, limit=10, kinds={"medication"})
    assert {e.kind for e in events} == {"medication"}
    assert [(e.when, e.title, e.badges) for e in events] == [
        (dt.datetime(2022, 4, 5, tzinfo=zone), "Started Denosumab 60 mg every 6 months", (("On treatment", "info"),)),
        (dt.datetime(2022, 4, 5, tzinfo=zone), "Stopped Alendronate: side effects", (("Stopped", "muted"),)),
        (dt.datetime(2019, 1, 7, tzinfo=zone), "Started Alendronate 70 mg weekly", ()),
    ]
    assert events[-1].body == "Prescribed by Dr Lee"
    assert {e.url for e in events} == {reverse("medications:course-list", kwargs={"patient_id": patient.pk})}
    # Paging: strictly older than `before`, and at most `limit`.
    assert [e.title for e in clinic_timeline.timeline_events(patient, before=events[0].when, limit=10, kinds={"medication"})] == [
        "Started Alendronate 70 mg weekly"
    ]
    later = dt.datetime(2022, 4, 5, 0, 1, tzinfo=zone)
    assert len(clinic_timeline.timeline_events(patient, before=later, limit=10, kinds={"medication"})) == 3
    assert len(clinic_timeline.timeline_events(patient, before=later, limit=2, kinds={"medication"})) == 2


def test_no_courses_no_medication_events(patient):
    assert clinic_timeline.timeline_events(patient, before=None, limit=10, kinds={"medication"}) == []


def test_medication_event_on_the_page_for_patient_and_team(client, patient, clinician):
    CourseFactory(patient=patient, started_on=dt.date(2022, 4, 5))
    FractureFactory(patient=patient, site="hip", occurred_on=dt.date(2023, 6, 1))
    for user in (clinician, patient.user):
        client.force_login(user)
        response = client.get(_url(patient))
        assert _titles(response) == ["Hip fracture", "Started Alendronate 70 mg weekly"]
        assert {"key": "medication", "label": "Medication"} in [
            {"key": c["key"], "label": c["label"]} for c in response.context_data["kind_choices"]
        ]
        assert _titles(client.get(_url(patient), {"kinds": "fracture"})) == ["Hip fracture"]
