"""Fracture risk where people see it: the dashboard card, the timeline (events and header) and the worklist."""

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from bonetrack.risk import panels, timeline
from bonetrack.risk.assessment import assess
from tests.dexa.factories import ScanFactory
from tests.factories import ClinicianFactory, FallFactory, FractureFactory, MembershipFactory, PatientFactory
from tests.risk.factories import FraxResultFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
WORKLIST = reverse("clinic:worklist")


def dashboard(client, patient) -> str:
    return client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()


def card(html: str) -> str:
    start = html.index('id="risk-panel-heading"')
    return html[start : html.index("</section>", start)]


@time_machine.travel(NOW, tick=False)
def test_no_card_for_an_empty_record(patient_client, patient):
    assert "risk-panel-heading" not in dashboard(patient_client, patient)


@time_machine.travel(NOW, tick=False)
def test_nothing_to_say_is_only_a_link_to_record_a_frax_result(patient_client, patient):
    ScanFactory(patient=patient, scanned_on=dt.date(2025, 6, 1), category="osteopenia", lowest_t_score=D("-1.8"))
    section = card(dashboard(patient_client, patient))
    assert f'<a href="{reverse("risk:frax", kwargs={"patient_id": patient.pk})}">Record a FRAX result</a>' in section
    assert "badge" not in section


@time_machine.travel(NOW, tick=False)
def test_the_card_lists_the_flags_and_reasons_in_plain_words(patient_client, patient):
    ScanFactory(patient=patient, scanned_on=dt.date(2025, 6, 1), category="osteopenia", lowest_t_score=D("-2.0"))
    FraxResultFactory(patient=patient, assessed_on=dt.date(2026, 1, 10), major_percent=D("12.0"), hip_percent=D("3.0"))
    FractureFactory(patient=patient, site="wrist", occurred_on=dt.date(2026, 3, 2))
    section = card(dashboard(patient_client, patient))
    plain = section[: section.index("<details")]
    assert "Very high risk of fracture" in plain
    assert "You broke a bone in the past year (wrist, March 2026)." in plain
    assert "Meets the treatment threshold" in plain
    assert "a 3.0 % chance of a broken hip in 10 years (3 % or more)" in plain
    assert "2026-03-02" not in plain  # the precise wording waits in the details element
    assert "Fragility fracture within 12 months: wrist (distal forearm) 2026-03-02" in section


def test_the_card_costs_one_query(rf: RequestFactory, django_assert_num_queries):
    patient = PatientFactory()
    FallFactory(patient=patient, occurred_on=dt.date(2026, 1, 2), injury=True)
    FraxResultFactory(patient=patient)
    patient = type(patient).objects.select_related("user").get(pk=patient.pk)
    with django_assert_num_queries(1):
        panel = panels.dashboard_panel(rf.get("/"), patient, TODAY)
    assert [reason.code for reason in panel["assessment"].very_high_risk_reasons] == ["falls"]


def test_timeline_events_for_frax_results_and_falls_in_one_query(django_assert_num_queries):
    patient = PatientFactory(user__time_zone="Europe/London")
    FraxResultFactory(patient=patient, assessed_on=dt.date(2026, 1, 10), major_percent=D("31.0"), hip_percent=D("2.0"))
    FraxResultFactory(patient=patient, assessed_on=dt.date(2024, 5, 1), with_bmd=False)
    FallFactory(patient=patient, occurred_on=dt.date(2026, 2, 1), injury=True, notes="Slipped on the stairs")
    FallFactory(patient=patient, occurred_on=dt.date(2025, 7, 1), injury=True, fracture=True)
    FallFactory(patient=patient, occurred_on=dt.date(2023, 7, 1))
    with django_assert_num_queries(1):
        events = timeline.timeline_events(patient, before=None, limit=10, kinds=set(timeline.KINDS))
    assert [(e.kind, e.title, e.badges) for e in events] == [
        ("fall", "Fall with injury", (("Injury", "warning"),)),
        ("frax", "FRAX: major 31.0 %, hip 2.0 %", (("Very high (AACE)", "danger"), ("with BMD", "muted"))),
        ("fall", "Fall: broke a bone", (("Fracture", "danger"),)),
        ("frax", "FRAX: major 18.0 %, hip 2.5 %", (("without BMD", "muted"),)),
        ("fall", "Fall", ()),
    ]
    assert events[0].body == "Slipped on the stairs"
    assert events[0].when == dt.datetime(2026, 2, 1, tzinfo=events[0].when.tzinfo)
    older = timeline.timeline_events(patient, before=events[1].when, limit=2, kinds={"frax", "fall"})
    assert [e.title for e in older] == ["Fall: broke a bone", "FRAX: major 18.0 %, hip 2.5 %"]
    assert [e.kind for e in timeline.timeline_events(patient, before=None, limit=10, kinds={"frax"})] == ["frax", "frax"]
    assert timeline.timeline_events(patient, before=None, limit=10, kinds={"note"}) == []


@time_machine.travel(NOW, tick=False)
def test_timeline_header_shows_the_flags_with_every_reason(client, patient, clinician):
    FraxResultFactory(patient=patient, assessed_on=dt.date(2026, 1, 10), major_percent=D("31.0"), hip_percent=D("4.6"))
    client.force_login(clinician)
    html = client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk})).content.decode()
    start = html.index('id="risk-timeline-title"')
    section = html[start : html.index("</section>", start)]
    assert "Latest FRAX (10 Jan 2026, with BMD): major 31.0&nbsp;%, hip 4.6&nbsp;%." in section
    assert "FRAX major 31.0 % &gt; 30 %, hip 4.6 % &gt; 4.5 % (2026-01-10)" in section


@time_machine.travel(NOW, tick=False)
def test_no_timeline_header_without_a_flag_or_a_frax_result(rf: RequestFactory, django_assert_num_queries):
    patient = PatientFactory()
    with django_assert_num_queries(1):
        assert timeline.timeline_header(rf.get("/"), patient) is None


def _team(n: int):
    """A clinician with n patients: a third very high risk (a recent fall with injury), a third at the treatment
    threshold, a third with neither."""
    clinician = ClinicianFactory()
    for i in range(n):
        patient = PatientFactory(user__last_name=f"Patient{i:02d}")
        MembershipFactory(patient=patient, clinician=clinician)
        FractureFactory(patient=patient, occurred_on=dt.date(2015, 1, 1))
        ScanFactory(patient=patient, scanned_on=dt.date(2025, 6, 1), category="osteopenia", lowest_t_score=D("-2.1"))
        if i % 3 == 0:
            FallFactory(patient=patient, occurred_on=dt.date(2026, 1, 5), injury=True)
        elif i % 3 == 1:
            FraxResultFactory(patient=patient, assessed_on=dt.date(2026, 1, 5), major_percent=D("20.0"), hip_percent=D("1.0"))
    return clinician


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("n", [6, 45])
@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, None), ({"filter": "very_high_risk"}, 0), ({"filter": "treatment_threshold"}, 1)],
)
def test_worklist_column_and_filters_in_a_fixed_number_of_queries(client, django_assert_max_num_queries, n, params, expected):
    client.force_login(_team(n))
    # Session, user, the count, the page, the treatment and fracture risk columns' one query each, the other sources,
    # and the invitations from patients waiting for this clinician's answer.
    with django_assert_max_num_queries(9):
        response = client.get(WORKLIST, params)
    rows = response.context["rows"]
    names = [row["patient"].user.last_name for row in rows]
    if expected is not None:
        assert response.context["page"].paginator.count == len([i for i in range(n) if i % 3 == expected])
        assert all(int(name.removeprefix("Patient")) % 3 == expected for name in names)
    cells = {row["patient"].user.last_name: next(c for c in row["cells"] if c["column"].key == "fracture_risk") for row in rows}
    for name, cell in cells.items():
        kind = int(name.removeprefix("Patient")) % 3
        if kind == 0:
            assert "Very high risk" in cell["html"]
            assert "High risk of falls: fall with injury within 12 months (2026-01-05)" in cell["html"]
        elif kind == 1:
            assert "Meets treatment threshold" in cell["html"]
            assert "Osteopenia (scan 2025-06-01) with FRAX major 20.0 % ≥ 20 % (2026-01-05)" in cell["html"]
        else:
            assert cell["html"].strip() == '<span class="muted">—</span>'


def test_the_assessment_is_loaded_once_per_patient_and_day(django_assert_num_queries):
    patient = PatientFactory()
    with django_assert_num_queries(2):
        assess(patient, TODAY)
        assess(patient, TODAY)
        assess(patient, TODAY + dt.timedelta(days=1))
