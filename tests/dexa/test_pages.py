"""Pages and the dashboard panel: what they show, and query counts that do not grow with the data."""

import datetime as dt
import json
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dexa.rules import add_months
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import FacilityFactory, make_scan

pytestmark = pytest.mark.django_db


def seed_years(patient, years: int, facility=None):
    facility = facility or FacilityFactory()
    start = dt.date(2025, 1, 15)
    for k in range(years * 2):
        t = D("-2.9") + D("0.05") * k
        make_scan(
            patient,
            add_months(start, -6 * k),
            {
                "lumbar_spine": (f"{0.700 + 0.004 * k:.3f}", f"{t:.1f}"),
                "total_hip": ("0.700", "-2.0"),
                "femoral_neck": ("0.600", "-2.3"),
                "radius_33": ("0.650", "-1.5"),
            },
            facility=facility,
        )
    refresh_next_scan_due(patient)


def dashboard_queries(client, patient, django_assert_max_num_queries) -> int:
    url = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(13) as queries:  # 12, and 1 for the first-run checklist
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_dashboard_query_count_does_not_grow_with_scans(patient_client, patient, django_assert_max_num_queries):
    seed_years(patient, 1)
    small = dashboard_queries(patient_client, patient, django_assert_max_num_queries)
    seed_years(patient, 10)  # adds 20 more scans
    assert dashboard_queries(patient_client, patient, django_assert_max_num_queries) == small


def test_dashboard_with_ten_years_of_scans_stays_within_budget(patient_client, patient, django_assert_max_num_queries):
    seed_years(patient, 10)
    # Budget 12 for the whole dashboard as the patient sees it (a clinician's view adds the audit INSERT), plus 1 for
    # the first-run checklist; the fracture risk card reads its one query.
    with django_assert_max_num_queries(13):
        response = patient_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk}))
    html = response.content.decode()
    assert 'class="card panel-wide dexa-panel"' in html
    figure = json.loads(re.search(r'<script id="dexa-figure-dash" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert len(figure["data"]) == 4
    assert "vendor/plotly-basic-4.1.1.min.js" in html


def test_scan_list_and_detail_query_counts(patient_client, patient, django_assert_max_num_queries):
    seed_years(patient, 10)
    with django_assert_max_num_queries(11):
        assert patient_client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})).status_code == 200
    scan_id = patient.dexa_scans.newest_first().first().pk
    with django_assert_max_num_queries(12):
        assert (
            patient_client.get(reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan_id})).status_code
            == 200
        )


def test_cards_show_diagnosis_lowest_change_and_next_scan(patient_client, patient):
    clinic = FacilityFactory(lsc_lumbar_spine=D("0.020"))
    make_scan(
        patient, dt.date(2020, 2, 1), {"lumbar_spine": ("0.700", "-2.7"), "femoral_neck": ("0.600", "-2.2")}, facility=clinic
    )
    make_scan(
        patient, dt.date(2023, 2, 1), {"lumbar_spine": ("0.720", "-2.4"), "femoral_neck": ("0.590", "-2.3")}, facility=clinic
    )
    refresh_next_scan_due(patient)
    html = patient_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Diagnosis of record Osteoporosis" in text
    assert "Latest scan (1 Feb 2023): Osteopenia (low bone mass)" in text
    assert "Moved out of the osteoporosis range" in text
    assert "Lowest T-score -2.4 Lumbar spine (L1–L4), 1 Feb 2023" in text
    # Plain words for the patient, the numbers folded into a disclosure for the clinician.
    assert "Lumbar spine (L1–L4) ▲ Significant gain : more than the scanner's margin of error" in text
    assert "Details for your clinician +0.020 g/cm² (+2.9%); facility LSC 0.020 g/cm²" in text
    assert "Femoral neck = Stable : the change is within what the scanner can measure" in text
    assert "Details for your clinician -0.010 g/cm² (-1.7%); default LSC 0.030 g/cm²" in text
    # Due in the past (the tests run after 2025): the card says since when it is overdue.
    assert "Next scan due 1 Feb 2025 Overdue since 1 Feb 2025 2 years: osteoporosis or on treatment (default rule)." in text


def test_chart_table_lists_the_same_rows(patient_client, patient):
    seed_years(patient, 1)
    html = patient_client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})).content.decode()
    assert "Table of the chart data (8 measurements)" in html
    assert html.count('data-label="T-score"') == 8


def test_empty_state_invites_the_first_scan(patient_client, patient):
    html = patient_client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})).content.decode()
    assert "No scans recorded yet." in html
    assert 'data-figure="' not in html


def test_bone_density_tab_is_current_on_scan_pages(clinician_client, patient):
    html = clinician_client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})).content.decode()
    assert re.search(r'<a href="/patients/\d+/scans/" aria-current="page">Bone density</a>', html)


def test_cached_panel_follows_every_change(patient_client, patient):
    from dexa.models import Facility

    seed_years(patient, 1)
    url = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    assert "default LSC 0.025" in patient_client.get(url).content.decode()
    Facility.objects.update(lsc_lumbar_spine=D("0.004"))  # an admin edits the facility's LSC
    refresh_next_scan_due(patient)
    html = patient_client.get(url).content.decode()
    assert "facility LSC 0.004" in html
    assert "Significant loss" in html  # −0.004 g/cm², exactly the LSC
