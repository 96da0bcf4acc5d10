"""Summaries, next scan date, database constraints and the read functions other apps call."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.worklist import TimelineEvent
from bonetrack.reminders.models import ReminderDueDate
from dexa import services, timeline, worklist
from dexa.history import load_history
from dexa.models import DexaScan, SiteMeasurement
from dexa.services import refresh_next_scan_due, scan_interval_set
from tests.dexa.factories import FacilityFactory, MeasurementFactory, ScanFactory, make_scan
from tests.factories import AdminFactory, ClinicianFactory, FractureFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_summaries_are_sticky_and_mark_improvements(patient):
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.790", "-2.9"), "femoral_neck": ("0.600", "-2.6")})
    make_scan(patient, dt.date(2018, 1, 10), {"lumbar_spine": ("0.850", "-2.4"), "femoral_neck": ("0.610", "-2.3")})
    make_scan(patient, dt.date(2020, 1, 10), {"lumbar_spine": ("0.990", "-0.9"), "femoral_neck": ("0.800", "-1.0")})
    refresh_next_scan_due(patient)
    scans = list(DexaScan.objects.chronological().values_list("category", "diagnosis", "improvement", "change_status"))
    assert scans == [
        ("osteoporosis", "osteoporosis", "", ""),
        ("osteopenia", "osteoporosis", "Moved out of the osteoporosis range", "gain"),
        ("normal", "osteoporosis", "Moved from osteopenia to normal", "gain"),
    ]
    # Normal latest scan but a sticky osteoporosis diagnosis: still the 2-year treated interval.
    assert patient.next_scan_due_on == dt.date(2022, 1, 10)


def test_fragility_fracture_makes_it_severe_and_is_a_risk_factor(patient):
    FractureFactory(patient=patient, occurred_on=dt.date(2015, 6, 1))
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.790", "-2.5")})
    refresh_next_scan_due(patient)
    assert DexaScan.objects.get().category == "severe"


def test_normal_without_clinician_interval_has_no_due_date(patient):
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("1.050", "-0.4")})
    due = refresh_next_scan_due(patient)
    patient.refresh_from_db()
    assert patient.next_scan_due_on is None
    assert patient.next_scan_due_rule.startswith("None scheduled by default")
    assert due.due_on is None


def test_change_of_make_is_not_comparable_and_baseline_is_tracked(patient):
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.800", "-2.0")}, make="ge_lunar")
    make_scan(patient, dt.date(2018, 1, 10), {"lumbar_spine": ("0.760", "-2.3")}, make="hologic")
    make_scan(patient, dt.date(2020, 1, 10), {"lumbar_spine": ("0.730", "-2.4")}, make="hologic")
    refresh_next_scan_due(patient)
    history = load_history(patient)
    second, third = history.scans[1].results[0], history.scans[2].results[0]
    assert second.vs_previous.status == "not_comparable"
    assert third.vs_previous.status == "loss"  # 0.030 ≥ 3.0% of 0.760
    assert third.vs_baseline.status == "not_comparable"
    assert list(DexaScan.objects.chronological().values_list("change_status", flat=True)) == ["", "not_comparable", "loss"]


def test_facility_lsc_is_used_only_between_scans_at_that_facility(patient):
    clinic = FacilityFactory(lsc_lumbar_spine=D("0.010"))
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.800", "-2.0")}, facility=clinic)
    make_scan(patient, dt.date(2018, 1, 10), {"lumbar_spine": ("0.810", "-1.9")}, facility=clinic)
    make_scan(patient, dt.date(2020, 1, 10), {"lumbar_spine": ("0.820", "-1.8")})
    history = load_history(patient)
    at_clinic, elsewhere = history.scans[1].results[0].vs_previous, history.scans[2].results[0].vs_previous
    assert (at_clinic.status, at_clinic.lsc_source) == ("gain", "facility LSC")
    assert (elsewhere.status, elsewhere.lsc_source) == ("stable", "default LSC")


def test_profile_edit_refreshes_the_due_date(client, patient):
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("1.050", "-0.4")})
    client.force_login(clinician)
    data = {"scan_interval_months": "24"}
    response = client.post(reverse("clinic:scan-interval", kwargs={"patient_id": patient.pk}), data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2023, 4, 1)
    assert patient.next_scan_due_rule == "Every 24 months, set by your clinician."


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bmd": D("2.001")},
        {"bmd": D("0.199")},
        {"t_score": D("-7.1")},
        {"t_score": D("6.1")},
        {"z_score": D("-7.5")},
        {"site": "wards_triangle"},
        {"side": "left"},  # the spine has no side
    ],
)
def test_database_rejects_implausible_measurements(kwargs):
    scan = ScanFactory()
    values = {"scan": scan, "site": "lumbar_spine", "side": "", "bmd": D("0.900"), "t_score": D("-1.0")} | kwargs
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteMeasurement.objects.create(**values)


def test_database_allows_one_scan_per_patient_date_and_facility():
    scan = ScanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanFactory(patient=scan.patient, scanned_on=scan.scanned_on, facility=scan.facility)


def test_latest_lowest_t_score_in_one_query(patient, django_assert_num_queries):
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.700", "-3.1")})
    make_scan(patient, dt.date(2020, 1, 10), {"lumbar_spine": ("0.800", "-2.2"), "radius_33": ("0.600", "-2.7")})
    refresh_next_scan_due(patient)
    with django_assert_num_queries(1):
        assert DexaScan.objects.for_patient(patient).latest_lowest_t_score() == D("-2.7")
    assert DexaScan.objects.for_patient(PatientFactory()).latest_lowest_t_score() is None


def test_worklist_annotations_are_one_query_and_filter(django_assert_num_queries):
    sick, fine, empty = PatientFactory(), PatientFactory(), PatientFactory()
    make_scan(sick, dt.date(2016, 1, 10), {"lumbar_spine": ("0.700", "-2.8")}, verified_at="2016-02-01T00:00Z")
    make_scan(sick, dt.date(2019, 1, 10), {"lumbar_spine": ("0.800", "-2.1")})
    make_scan(fine, dt.date(2019, 1, 10), {"lumbar_spine": ("1.000", "-0.5")}, verified_at="2019-02-01T00:00Z")
    for p in (sick, fine):
        refresh_next_scan_due(p)
    today = dt.date(2024, 1, 1)
    qs = worklist.annotate(PatientProfile.objects.filter(pk__in=[sick.pk, fine.pk, empty.pk]).order_by("pk"), today)
    with django_assert_num_queries(1):
        rows = [
            (p.dexa_diagnosis, p.dexa_category, p.dexa_lowest_t, p.dexa_change, p.dexa_last_scan_on, p.dexa_unverified)
            for p in qs
        ]
    assert rows == [
        ("osteoporosis", "osteopenia", D("-2.1"), "gain", dt.date(2019, 1, 10), 1),
        ("normal", "normal", D("-0.5"), "", dt.date(2019, 1, 10), 0),
        (None, None, None, None, None, 0),
    ]
    filters = {f.key: f.condition(today) for f in worklist.FILTERS}
    assert list(qs.filter(filters["osteoporosis"]).values_list("pk", flat=True)) == [sick.pk]
    assert list(qs.filter(filters["unverified"]).values_list("pk", flat=True)) == [sick.pk]


def test_timeline_events_newest_first_with_improvements(patient, django_assert_max_num_queries):
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.700", "-2.8")})
    make_scan(patient, dt.date(2019, 1, 10), {"lumbar_spine": ("0.800", "-2.1")})
    refresh_next_scan_due(patient)
    with django_assert_max_num_queries(1):
        events = timeline.timeline_events(patient, before=None, limit=10, kinds={"scan", "category"})
    assert all(isinstance(e, TimelineEvent) for e in events)
    assert [(e.when.date(), e.kind) for e in events] == [
        (dt.date(2019, 1, 10), "category"),
        (dt.date(2019, 1, 10), "scan"),
        (dt.date(2016, 1, 10), "scan"),
    ]
    assert events[0].title == "Moved out of the osteoporosis range"
    older = timeline.timeline_events(patient, before=events[1].when, limit=10, kinds={"scan"})
    assert [e.when.date() for e in older] == [dt.date(2016, 1, 10)]
    assert timeline.timeline_header(None, patient)["template"] == "dexa/_timeline_header.html"
    assert timeline.timeline_header(None, PatientFactory()) is None


def test_measurement_factory_defaults_are_valid():
    m = MeasurementFactory()
    m.full_clean()


def test_admin_lsc_change_updates_stored_changes(admin_user, client, patient):
    clinic = FacilityFactory(name="Clinic")
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.800", "-2.0")}, facility=clinic)
    make_scan(patient, dt.date(2018, 1, 10), {"lumbar_spine": ("0.812", "-1.9")}, facility=clinic)
    refresh_next_scan_due(patient)
    assert DexaScan.objects.newest_first().first().change_status == "stable"  # default LSC 0.024
    client.force_login(admin_user)
    url = reverse("admin:dexa_facility_change", args=[clinic.pk])
    response = client.post(url, {"name": "Clinic", "lsc_lumbar_spine": "0.010"})
    assert response.status_code == 302
    assert DexaScan.objects.newest_first().first().change_status == "gain"


def test_worklist_cells_and_timeline_header_render(patient):
    from django.template import Context
    from django.template.loader import get_template, render_to_string

    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.700", "-2.8")})
    make_scan(patient, dt.date(2019, 1, 10), {"lumbar_spine": ("0.800", "-2.1")})
    refresh_next_scan_due(patient)
    row = worklist.annotate(PatientProfile.objects.filter(pk=patient.pk), dt.date(2024, 1, 1)).get()
    cells = {
        column.key: get_template(column.template).template.render(Context({"patient": row, "value": getattr(row, column.key)}))
        for column in worklist.COLUMNS
    }
    assert "<strong>Osteoporosis</strong>" in cells["dexa_diagnosis"]
    assert "latest: Osteopenia (low bone mass)" in cells["dexa_diagnosis"]
    assert "-2.1" in cells["dexa_lowest_t"] and "Lumbar spine" in cells["dexa_lowest_t"]
    assert "Significant gain" in cells["dexa_change"]
    assert "10 Jan 2019" in cells["dexa_last_scan_on"]
    assert "2 to verify" in cells["dexa_unverified"]
    header = timeline.timeline_header(None, patient)
    html = render_to_string(header["template"], {"header": header, "patient": patient})
    assert 'data-figure="dexa-figure-timeline"' in html
    assert '<script id="dexa-figure-timeline" type="application/json">' in html


def test_scan_interval_set_records_who_and_moves_the_next_scan_date(patient):
    clinician = ClinicianFactory()
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("1.050", "-0.4")})  # normal: no date by default
    due = scan_interval_set(patient=patient, months=36, by=clinician)
    assert due.due_on == dt.date(2024, 4, 1)
    patient.refresh_from_db()
    assert (patient.scan_interval_months, patient.scan_interval_set_by) == (36, clinician)
    assert (patient.next_scan_due_on, patient.next_scan_due_rule) == (dt.date(2024, 4, 1), due.rule)
    assert ReminderDueDate.objects.get(patient=patient).due_on == dt.date(2024, 4, 1)

    scan_interval_set(patient=patient, months=None, by=clinician)
    patient.refresh_from_db()
    assert (patient.scan_interval_months, patient.scan_interval_set_by, patient.next_scan_due_on) == (None, None, None)
    assert not ReminderDueDate.objects.filter(patient=patient).exists()


def test_refresh_tells_the_reminders_only_when_the_date_moves(patient, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "scan_due_date_changed", lambda **kwargs: calls.append(kwargs))
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("0.800", "-2.6")})
    refresh_next_scan_due(patient)
    assert calls == [{"patient": patient, "due_on": dt.date(2023, 4, 1)}]
    refresh_next_scan_due(patient)  # nothing changed
    FractureFactory(patient=patient, occurred_on=dt.date(2019, 1, 1))
    refresh_next_scan_due(patient)  # the category becomes severe; the date stays
    assert DexaScan.objects.get().category == "severe" and len(calls) == 1
    make_scan(patient, dt.date(2022, 4, 1), {"lumbar_spine": ("0.790", "-2.7")})
    refresh_next_scan_due(patient)
    assert calls[1:] == [{"patient": patient, "due_on": dt.date(2024, 4, 1)}]


def test_deleting_scans_in_the_admin_list_moves_each_patients_next_scan_date(client):
    patients = [PatientFactory(), PatientFactory()]
    for patient in patients:
        make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("0.800", "-2.6")})
        refresh_next_scan_due(patient)
        assert patient.next_scan_due_on == dt.date(2023, 4, 1)
    client.force_login(AdminFactory())
    ids = list(DexaScan.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:dexa_dexascan_changelist"), {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    for patient in patients:
        patient.refresh_from_db()
        assert patient.next_scan_due_on is None
        assert patient.next_scan_due_rule.startswith("No scan recorded yet")
