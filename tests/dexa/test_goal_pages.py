"""R13 in the product: the stored status, the worklist column and filters, the cards, the chart's goal line and the
demo patient."""

import datetime as dt
import io
import json
import re
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts
from bonetrack.accounts.models import PatientProfile
from dexa import worklist
from dexa.charts import build_tscore_figure
from dexa.devdata import demo
from dexa.models import DexaScan
from dexa.services import refresh_next_scan_due, treatment_goal_set
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db

NECK = "femoral_neck"


def on_track(patient, facility=None):
    """Neck −2.9 → −2.6 over 731 days with a significant gain (+0.040 ≥ 0.030): projected 2 Sep 2022 (see test_goals)."""
    facility = facility or FacilityFactory()
    make_scan(patient, dt.date(2020, 1, 1), {NECK: ("0.600", "-2.9")}, facility=facility)
    make_scan(patient, dt.date(2022, 1, 1), {NECK: ("0.640", "-2.6")}, facility=facility)
    refresh_next_scan_due(patient)


def statuses(patient) -> list[str]:
    return list(DexaScan.objects.for_patient(patient).chronological().values_list("goal_status", flat=True))


def test_status_is_stored_on_the_latest_scan_and_follows_the_goal():
    patient, clinician = PatientFactory(), ClinicianFactory()
    on_track(patient)
    assert statuses(patient) == ["", "on_track"]
    # A goal above −1.0 at +0.15 a year needs (−1.0 + 2.6) / 0.15 = 10.7 years: more than 10.
    treatment_goal_set(patient=patient, goal=D("-1.0"), reason="Test of the ten-year cap.", by=clinician)
    patient.refresh_from_db()
    assert (patient.goal_t_score, patient.goal_reason, patient.goal_set_by) == (D("-1.0"), "Test of the ten-year cap.", clinician)
    assert statuses(patient) == ["", "not_on_track"]
    # A new scan above the default goal: reached, and the earlier scan's status is cleared.
    treatment_goal_set(patient=patient, goal=None, reason="ignored", by=clinician)
    make_scan(patient, dt.date(2023, 1, 1), {NECK: ("0.700", "-2.4")})
    refresh_next_scan_due(patient)
    patient.refresh_from_db()
    assert (patient.goal_t_score, patient.goal_reason, patient.goal_set_by) == (None, "", None)
    assert statuses(patient) == ["", "", "reached"]


def test_treatment_goal_set_refuses_a_goal_out_of_range_or_without_a_reason():
    patient, clinician = PatientFactory(), ClinicianFactory()
    with pytest.raises(ValidationError):
        treatment_goal_set(patient=patient, goal=D("-0.9"), reason="Too strict", by=clinician)
    with pytest.raises(ValidationError):
        treatment_goal_set(patient=patient, goal=D("-2.0"), reason="  ", by=clinician)
    patient.refresh_from_db()
    assert patient.goal_t_score is None


def test_premenopausal_patients_get_no_t_score_goal():
    patient = PatientFactory(menopausal_status="pre", date_of_birth=dt.date(1990, 1, 1))
    on_track(patient)
    assert statuses(patient) == ["", ""]


def test_worklist_goal_column_sorts_and_filters_in_one_query(django_assert_num_queries):
    projected, far, reached, single, empty = (PatientFactory() for _ in range(5))
    on_track(projected)
    on_track(far)
    treatment_goal_set(patient=far, goal=D("-1.0"), reason="Stricter", by=ClinicianFactory())
    make_scan(reached, dt.date(2022, 1, 1), {NECK: ("0.700", "-2.4")})
    make_scan(single, dt.date(2022, 1, 1), {NECK: ("0.700", "-2.7")})
    for p in (reached, single):
        refresh_next_scan_due(p)
    today = dt.date(2024, 1, 1)
    qs = worklist.annotate(PatientProfile.objects.filter(pk__in=[p.pk for p in (projected, far, reached, single, empty)]), today)
    with django_assert_num_queries(1):
        rows = [(p.pk, p.dexa_goal) for p in qs.order_by("dexa_goal_rank", "pk")]
    assert rows == [
        (far.pk, "not_on_track"),
        (single.pk, "no_trend"),
        (projected.pk, "on_track"),
        (reached.pk, "reached"),
        (empty.pk, None),
    ]
    filters = {f.key: f.condition(today) for f in worklist.FILTERS}
    assert [f.label for f in worklist.FILTERS if f.key.startswith("goal_")] == [
        "Goal: not on track",
        "Goal: no trend",
        "Goal: on track",
        "Goal: reached",
    ]
    assert list(qs.filter(filters["goal_not_on_track"]).values_list("pk", flat=True)) == [far.pk]
    assert list(qs.filter(filters["goal_reached"]).values_list("pk", flat=True)) == [reached.pk]


def test_worklist_page_shows_the_goal_column_and_filter(client, django_assert_max_num_queries):
    clinician = ClinicianFactory()
    patients = [PatientFactory() for _ in range(3)]
    for p in patients:
        MembershipFactory(patient=p, clinician=clinician)
        on_track(p)
    treatment_goal_set(patient=patients[0], goal=D("-1.0"), reason="Stricter", by=clinician)
    client.force_login(clinician)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("clinic:worklist"), {"filter": "goal_not_on_track"})
    html = response.content.decode()
    assert "Not on track" in html
    assert html.count('class="badge badge-ok">On track') == 0  # the filter keeps only the patient off track
    response = client.get(reverse("clinic:worklist"))
    assert response.content.decode().count("On track</span>") == 2


def test_scan_list_shows_the_goal_cards_in_plain_words(patient_client, patient):
    on_track(patient)
    html = patient_client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Treatment goal: T-score above −2.5 at each site (default goal)" in text
    assert "Femoral neck: −2.6, 0.1 below the goal. Goal: above −2.5 (default goal)." in text
    # Today (the test's real date) is after 2 Sep 2022, so the date is worded as one that may have passed.
    assert "it may have been reached around September 2022: your next scan will tell." in text
    assert "BoneTrack’s own estimate (a product decision), not a promise" in text
    assert "2 scans on the same scanner make, Jan 2020 to Jan 2022" in text


def test_dashboard_shows_reached_and_a_projection(patient_client, patient):
    facility = FacilityFactory()
    # Hip reached (−2.1 > −2.5); neck 0.3 below: −3.4 → −2.8 over 4 years (1461 days) = +0.15 a year, BMD +0.060 ≥ 0.030.
    # 0.3 / 0.15 = 2 years = 730.5 → 730 days (round half to even) after 1 Jan 2030 = 1 Jan 2032.
    make_scan(patient, dt.date(2026, 1, 1), {"total_hip": ("0.700", "-2.3"), NECK: ("0.600", "-3.4")}, facility=facility)
    make_scan(patient, dt.date(2030, 1, 1), {"total_hip": ("0.720", "-2.1"), NECK: ("0.660", "-2.8")}, facility=facility)
    refresh_next_scan_due(patient)
    url = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    html = patient_client.get(url).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Total hip: −2.1. Goal: above −2.5 (default goal). Reached" in text
    assert "Femoral neck: −2.8, 0.3 below the goal." in text
    assert "If the current trend continues (+0.15 a year), you would reach it around January 2032." in text
    figure = json.loads(re.search(r'<script id="dexa-figure-dash" type="application/json">(.*?)</script>', html, re.S).group(1))
    # The goal line is named in the legend (a label in the plot would sit on the lines).
    goal_lines = [s for s in figure["layout"]["shapes"] if s.get("name", "").startswith("Your goal")]
    assert [(s["y0"], s["y1"], s["name"], s["showlegend"]) for s in goal_lines] == [
        (-2.5, -2.5, "Your goal: above −2.5<br>(the osteoporosis line)", True)
    ]
    assert not [a for a in figure["layout"]["annotations"] if "goal" in a["text"]]


def test_the_goal_adds_no_query_to_the_dashboard(patient_client, patient, django_assert_max_num_queries, monkeypatch):
    """The cards and the goal line come from the history the panel already loads (the page's budget of 12 queries is
    pinned in tests/dexa/test_pages.py)."""
    on_track(patient)
    treatment_goal_set(patient=patient, goal=D("-2.0"), reason="After a vertebral fracture.", by=ClinicianFactory())
    patient.refresh_from_db()
    url = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(20) as with_goal:
        html = patient_client.get(url).content.decode()
    assert "(set by your clinician)" in html
    monkeypatch.setattr("dexa.panels.patient_goal_summary", lambda *args, **kwargs: None)
    cache.clear()  # render the panel again rather than serve the cached fragment
    with django_assert_max_num_queries(20) as without_goal:
        html = patient_client.get(url).content.decode()
    assert "Treatment goal" not in html
    assert len(with_goal.captured_queries) == len(without_goal.captured_queries)


def test_chart_draws_a_clinicians_goal_as_its_own_line():
    rows = [
        {"date": dt.date(2020, 1, 1), "site": NECK, "site_label": "Femoral neck", "side": "", "t_score": D("-2.6"),
         "bmd": D("0.600"), "change": "", "significance": "Baseline", "improvement": ""},
    ]  # fmt: skip
    fig = build_tscore_figure(rows, goal=D("-2.0"))
    (line,) = [s for s in fig.layout.shapes if s.name == "Your goal: above −2.0"]
    assert (line.type, line.y0, line.y1, line.x0, line.x1, line.showlegend) == ("line", -2.0, -2.0, 0, 1, True)
    assert not [s for s in build_tscore_figure(rows).layout.shapes if s.showlegend]


def test_demo_margaret_has_a_reached_site_and_projections(client):
    context = seed_demo_accounts()
    demo.seed(context)
    margaret = context.patients[0]
    margaret.refresh_from_db()
    assert (margaret.goal_t_score, margaret.goal_set_by) == (D("-2.0"), context.clinician)
    client.force_login(margaret.user)
    html = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": margaret.pk})).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Treatment goal: T-score above −2.0 at each site (set by your clinician)" in text
    assert "Total hip: −1.8. Goal: above −2.0 (set by your clinician). Reached" in text
    assert "Lumbar spine (L1–L4): −2.1, 0.1 below the goal." in text
    assert "Femoral neck: −2.2, 0.2 below the goal." in text
    # Neck: slope ≈ +0.055 a year over her six Hologic scans; 0.2 / 0.055 ≈ 3.7 years after her last scan: a date ahead.
    neck = (
        "Femoral neck: −2.2, 0.2 below the goal. Goal: above −2.0 (set by your clinician). "
        "If the current trend continues (+0.05 a year), you would reach it around "
    )
    assert re.search(re.escape(neck) + r"\w+ 20\d\d\.", text)
    assert DexaScan.objects.for_patient(margaret).newest_first().first().goal_status == "on_track"


def test_refresh_command_fills_the_goal_status_of_existing_scans():
    patient = PatientFactory()
    on_track(patient)
    DexaScan.objects.update(goal_status="")  # as the 0004 migration leaves existing rows
    out = io.StringIO()
    call_command("refresh_dexa_summaries", stdout=out)
    assert statuses(patient) == ["", "on_track"]
    assert out.getvalue().strip() == "Refreshed the scan summaries of 1 patient(s)."
