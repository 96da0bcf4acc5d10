"""Changes to a record (RecordEvent) on the timeline: each once, with who and when, the details for the care team only."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bonetrack.audit import timeline as audit_timeline
from bonetrack.audit.events import EVENT_KINDS, record_event
from bonetrack.audit.models import RecordEvent
from bonetrack.core.date_display import format_day
from dexa.services import scan_interval_set
from tests.core.plain_words import main_text
from tests.dexa.factories import FacilityFactory, make_scan
from tests.dexa.test_entry import form_data
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _timeline(client, patient, **params):
    return client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}), params)


def _record_entries(response) -> list:
    """(title, body, actor as written on the page's feed item) of each record event on the page."""
    return [event for event, _label in response.context_data["entries"] if "record_event_id" in event.extra]


def _feed_item(html: str, title: str) -> str:
    feed = html.split('<ol id="feed"', 1)[1].split("</ol>", 1)[0]
    items = [item for item in feed.split('<li class="feed-item')[1:] if f">{title}<" in item]
    assert len(items) == 1, (title, items)
    return items[0]


def _by_line(item: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", re.search(r'<p class="feed-by">(.*?)</p>', item, re.S).group(1)).split())


def test_verifying_a_scan_shows_once_with_who_and_when(client, patient, clinician):
    scan = make_scan(patient, dt.date(2024, 5, 2), {"lumbar_spine": ("0.812", "-2.3")})
    client.force_login(clinician)
    before = timezone.now()
    assert client.post(reverse("dexa:scan-verify", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})).status_code == 302
    client.post(reverse("dexa:scan-verify", kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))  # already verified
    event = RecordEvent.objects.get()
    assert (event.kind, event.actor, event.summary) == (
        "scan_verified",
        clinician,
        "The scan of 2 May 2024 was checked against its report.",
    )
    assert before <= event.occurred_at <= timezone.now()

    html = _timeline(client, patient).content.decode()
    item = _feed_item(html, "Scan verified")
    assert _by_line(item) == f"By you, {format_day(event.occurred_at, 'dmy', time=True)}"
    assert "<details" in item and "Verified: No → Yes" in item
    assert html.count(">Scan verified<") == 1  # the scan's revision is not shown a second time

    client.force_login(patient.user)
    item = _feed_item(_timeline(client, patient).content.decode(), "Scan verified")
    assert _by_line(item).startswith(f"By {clinician.display_name}, ")
    assert "<details" not in item and "The scan of 2 May 2024 was checked against its report." in item


def test_correcting_a_scan_shows_once_and_entering_or_saving_unchanged_shows_nothing(client, patient, clinician):
    facility = FacilityFactory()
    client.force_login(patient.user)
    assert client.post(reverse("dexa:scan-add", kwargs={"patient_id": patient.pk}), form_data(facility)).status_code == 302
    scan = patient.dexa_scans.get()
    edit = reverse("dexa:scan-edit", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
    assert client.post(edit, form_data(facility)).status_code == 302  # nothing changed
    assert not RecordEvent.objects.exists()
    assert client.post(edit, form_data(facility, **{"femoral_neck-bmd": "0.660"})).status_code == 302
    event = RecordEvent.objects.get()
    assert (event.kind, event.actor) == ("scan_corrected", patient.user)

    assert _by_line(_feed_item(_timeline(client, patient).content.decode(), "Scan corrected")).startswith("By you, ")
    client.force_login(clinician)
    item = _feed_item(_timeline(client, patient).content.decode(), "Scan corrected")
    assert _by_line(item).startswith("By the patient, ")
    assert "Femoral neck: BMD: 0.640 → 0.660" in item


def test_changing_targets_interval_and_goal_each_show_once(clinician_client, patient, clinician):
    targets = reverse("nutrition:targets", kwargs={"patient_id": patient.pk})
    interval = reverse("clinic:scan-interval", kwargs={"patient_id": patient.pk})
    goal = reverse("clinic:goal", kwargs={"patient_id": patient.pk})
    for _ in range(2):  # the second time nothing changes, so nothing is recorded
        assert clinician_client.post(targets, {"calcium_mg": "1300", "vitamin_d_iu": "1000"}).status_code == 302
        assert clinician_client.post(interval, {"scan_interval_months": "24"}).status_code == 302
        assert clinician_client.post(goal, {"goal": "-2.0", "reason": "Vertebral fracture"}).status_code == 302
    assert sorted(RecordEvent.objects.values_list("kind", flat=True)) == [
        "goal_changed",
        "scan_interval_changed",
        "targets_changed",
    ]
    assert set(RecordEvent.objects.values_list("actor", flat=True)) == {clinician.pk}

    html = _timeline(clinician_client, patient).content.decode()
    item = _feed_item(html, "Nutrient targets changed")
    assert "Daily targets changed: calcium, vitamin D." in item
    assert "Calcium (mg): default → 1300" in item and "Vitamin D (IU): default → 1000" in item
    item = _feed_item(html, "Scan interval changed")
    assert "Scans every 24 months from now on." in item and "Scan interval: the default rule → every 24 months" in item
    item = _feed_item(html, "Treatment goal changed")
    assert "Goal: T-score above −2.5 (the default goal) → T-score above −2.0" in item and "Reason: Vertebral fracture" in item

    assert clinician_client.post(interval, {"scan_interval_months": ""}).status_code == 302
    assert clinician_client.post(targets, {"calcium_mg": "", "vitamin_d_iu": "1000"}).status_code == 302
    latest = RecordEvent.objects.filter(kind__in=["scan_interval_changed", "targets_changed"]).order_by("occurred_at", "pk")
    assert [row.details["changes"] for row in latest][-2:] == [
        [{"field": "Scan interval", "before": "every 24 months", "after": "the default rule"}],
        [{"field": "Calcium (mg)", "before": "1300", "after": "default"}],
    ]


def test_an_interval_the_admin_saved_already_is_recorded_with_what_it_was(patient):
    admin = AdminFactory()
    patient.scan_interval_months = 36
    patient.save(update_fields=["scan_interval_months"])
    scan_interval_set(patient=patient, months=36, by=admin, previous=None)
    event = RecordEvent.objects.get()
    assert event.details["changes"] == [{"field": "Scan interval", "before": "the default rule", "after": "every 36 months"}]
    assert audit_timeline.timeline_events(patient, before=None, limit=5, kinds={"record"})[0].extra["actor"] == "an administrator"


@pytest.mark.parametrize("kind", sorted(EVENT_KINDS))
def test_every_kind_is_shown_with_its_label_who_and_when(client, patient, clinician, kind):
    at = dt.datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    record_event(
        patient, kind, by=clinician, summary="Something plain happened.", details={"before": "old", "after": "new"}, at=at
    )
    client.force_login(clinician)
    item = _feed_item(_timeline(client, patient).content.decode(), EVENT_KINDS[kind])
    assert _by_line(item) == f"By you, {format_day(at, 'dmy', time=True)}"
    assert "Something plain happened." in item and "old → new" in item


def test_note_edits_are_for_the_care_team_and_details_never_reach_the_patient(client, patient, clinician):
    record_event(patient, "note_edited", by=clinician, summary="A note was edited.")
    record_event(
        patient, "care_team_joined", by=clinician, summary="Joined the care team.", details={"before": "A", "after": "BMD 0.8"}
    )
    client.force_login(patient.user)
    response = _timeline(client, patient, kinds="note_edit")
    assert [event.title for event in _record_entries(response)] == ["Joined the care team"]
    assert "note_edit" not in {choice["key"] for choice in response.context_data["kind_choices"]}
    assert "BMD" not in main_text(response.content.decode()) and "BMD" not in response.content.decode()
    client.force_login(clinician)
    assert [event.title for event in _record_entries(_timeline(client, patient))] == [
        "Joined the care team",
        "Clinical note edited",
    ]


def test_who_is_named_for_each_kind_of_actor(patient, clinician):
    admin, gone = AdminFactory(), ClinicianFactory()
    for by in (patient.user, clinician, admin, gone, None):
        record_event(patient, "targets_changed", by=by, summary="Targets.")
    gone.delete()
    events = audit_timeline.timeline_events(patient, before=None, limit=10, kinds={"record"})
    assert [event.extra["actor"] for event in events] == [
        "someone whose account was closed",
        "someone whose account was closed",
        "an administrator",
        clinician.display_name,
        "the patient",
    ]


def test_another_patients_events_never_show(clinician_client, patient, clinician):
    other = PatientFactory()
    MembershipFactory(patient=other, clinician=clinician)
    record_event(other, "goal_changed", by=clinician, summary="Someone else's goal.")
    record_event(patient, "goal_changed", by=clinician, summary="This patient's goal.")
    response = _timeline(clinician_client, patient)
    assert [event.body for event in _record_entries(response)] == ["This patient's goal."]
    assert b"Someone else's goal." not in response.content


def test_filters_and_older_pages_lose_nothing_and_repeat_nothing(clinician_client, patient, clinician):
    start = dt.datetime(2024, 1, 1, 12, tzinfo=UTC)
    for i in range(30):
        record_event(
            patient,
            "care_team_joined" if i % 3 == 0 else "targets_changed",
            by=clinician,
            summary=f"Event {i}",
            at=start + dt.timedelta(hours=i // 2),
        )  # pairs share a moment
    seen, response = [], _timeline(clinician_client, patient, kinds=["record", "care_team"])
    while True:
        seen += [event.body for event in _record_entries(response)]
        older = response.context_data["older_query"]
        if not older:
            break
        response = clinician_client.get(
            f"{reverse('clinic:timeline', kwargs={'patient_id': patient.pk})}?{older}", HTTP_HX_REQUEST="true"
        )
    assert sorted(seen) == sorted(f"Event {i}" for i in range(30)) and len(seen) == 30
    only_team = _record_entries(_timeline(clinician_client, patient, kinds="care_team"))
    assert {event.title for event in only_team} == {"Joined the care team"} and len(only_team) == 10


def test_the_source_reads_one_query_whatever_the_number_of_events(patient, clinician, django_assert_num_queries):
    for i in range(25):
        record_event(patient, "targets_changed", by=clinician if i % 2 else patient.user, summary=f"Event {i}")
    with django_assert_num_queries(1):
        events = audit_timeline.timeline_events(patient, before=None, limit=21, kinds={"record", "care_team", "note_edit"})
    assert len(events) == 21
    with django_assert_num_queries(0):
        assert audit_timeline.timeline_events(patient, before=None, limit=21, kinds={"scan"}) == []


@pytest.mark.parametrize(
    ("details", "rows"),
    [
        ({}, []),
        ({"changes": [{"field": "A", "before": "1", "after": "2"}]}, [("A", "1", "2")]),
        ({"before": "x", "after": "y"}, [("", "x", "y")]),
        ({"field": "Role", "before": None, "after": "member"}, [("Role", "", "member")]),
        ({"before": {"a": 1, "b": 2}, "after": {"a": 1, "c": 3}}, [("a", "1", "1"), ("b", "2", ""), ("c", "", "3")]),
        ({"Email": {"before": "a@x", "after": "b@x"}, "Name": "Dr Lee"}, [("Email", "a@x", "b@x"), ("Name", "", "Dr Lee")]),
        ({"note_id": 3, "how": "invitation"}, [("Note id", "", "3"), ("How", "", "invitation")]),
    ],
)
def test_details_of_any_shape_become_rows(details, rows):
    assert [(r["field"], r["before"], r["after"]) for r in audit_timeline.change_rows(details)] == rows
