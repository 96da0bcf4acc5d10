"""Entering, validating, verifying, correcting and deleting scans through HTTP."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dexa.models import DexaScan, ScanRevision, SiteMeasurement
from tests.dexa.factories import FacilityFactory, make_scan

pytestmark = pytest.mark.django_db


def form_data(site_facility, **overrides):
    data = {
        "scanned_on": "2024-05-02",
        "facility": str(site_facility.pk),
        "new_facility": "",
        "make": "hologic",
        "model": "Horizon A",
        "lumbar_spine-bmd": "0.812",
        "lumbar_spine-t_score": "-2.3",
        "lumbar_spine-z_score": "-0.9",
        "femoral_neck-side": "left",
        "femoral_neck-bmd": "0.640",
        "femoral_neck-t_score": "-2.6",
        "femoral_neck-z_score": "",
    }
    return data | overrides


def add_url(patient):
    return reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})


def test_patient_adds_a_self_reported_scan(patient_client, patient):
    facility = FacilityFactory()
    response = patient_client.post(add_url(patient), form_data(facility))
    assert response.status_code == 302
    scan = DexaScan.objects.get(patient=patient)
    assert (scan.source, scan.is_verified, scan.entered_by) == ("self", False, patient.user)
    sites = {m.site: (m.bmd, m.t_score, m.z_score, m.side) for m in scan.measurements.all()}
    assert sites == {
        "lumbar_spine": (D("0.812"), D("-2.3"), D("-0.9"), ""),
        "femoral_neck": (D("0.640"), D("-2.6"), None, "left"),
    }
    assert (scan.category, scan.diagnosis, scan.lowest_t_score, scan.lowest_t_site) == (
        "osteoporosis",
        "osteoporosis",
        D("-2.6"),
        "femoral_neck",
    )
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2026, 5, 2)
    assert ScanRevision.objects.get(scan=scan).action == "created"


def test_clinician_entry_is_verified_by_them(clinician_client, clinician, patient):
    clinician_client.post(add_url(patient), form_data(FacilityFactory()))
    scan = DexaScan.objects.get(patient=patient)
    assert (scan.source, scan.verified_by) == ("clinician", clinician)


def test_a_new_facility_can_be_typed(patient_client, patient):
    patient_client.post(add_url(patient), form_data(FacilityFactory(), **{"facility": "", "new_facility": "Hilltop Imaging"}))
    assert DexaScan.objects.get(patient=patient).facility.name == "Hilltop Imaging"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lumbar_spine-bmd": "2.100"}, "lumbar_spine-bmd", "BMD must be between 0.200 and 2.000 g/cm²."),
        ({"lumbar_spine-bmd": "0.199"}, "lumbar_spine-bmd", "BMD must be between 0.200 and 2.000 g/cm²."),
        ({"lumbar_spine-t_score": "-7.1"}, "lumbar_spine-t_score", "Enter a score between -7.0 and +6.0."),
        ({"femoral_neck-z_score": "6.1"}, "femoral_neck-z_score", "Enter a score between -7.0 and +6.0."),
        (
            {"lumbar_spine-t_score": ""},
            "lumbar_spine-t_score",
            "Enter the T-score for the lumbar spine (l1–l4), or clear this site.",
        ),
        ({"scanned_on": "2099-01-01"}, "scanned_on", "The scan date can&#x27;t be in the future."),
        ({"scanned_on": "1950-01-01"}, "scanned_on", "The scan date can&#x27;t be before the date of birth."),
        ({"facility": ""}, "facility", "Choose the facility, or type its name below."),
    ],
)
def test_wrong_values_get_a_message_and_save_nothing(patient_client, patient, overrides, field, message):
    data = form_data(FacilityFactory(), **overrides)
    response = patient_client.post(add_url(patient), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    form = response.context["entry"]
    bound = {f.add_prefix(name): f[name] for f in [form.scan_form, *form.site_forms] for name in f.fields}
    assert bound[field].errors
    assert not DexaScan.objects.exists()
    assert not SiteMeasurement.objects.exists()
    # What the user typed is kept.
    assert 'value="0.640"' in html


def test_at_least_one_site(patient_client, patient):
    data = {k: v for k, v in form_data(FacilityFactory()).items() if not k.startswith(("lumbar", "femoral"))}
    response = patient_client.post(add_url(patient), data)
    assert "Enter the results of at least one site." in response.content.decode()
    assert not DexaScan.objects.exists()


def test_one_scan_per_patient_date_and_facility(patient_client, patient):
    facility = FacilityFactory()
    make_scan(patient, dt.date(2024, 5, 2), {"lumbar_spine": ("0.800", "-2.0")}, facility=facility)
    response = patient_client.post(add_url(patient), form_data(facility))
    assert "There is already a scan on 2 May 2024 at" in response.content.decode()
    assert DexaScan.objects.count() == 1


def test_unusual_scores_warn_then_save_when_confirmed(patient_client, patient):
    data = form_data(FacilityFactory(), **{"lumbar_spine-t_score": "-5.4"})
    response = patient_client.post(add_url(patient), data)
    html = response.content.decode()
    assert "please double-check" in html
    assert "Save anyway" in html
    assert not DexaScan.objects.exists()
    response = patient_client.post(add_url(patient), data | {"confirm_unusual": "1"})
    assert response.status_code == 302
    assert DexaScan.objects.get().measurements.get(site="lumbar_spine").t_score == D("-5.4")


def test_inline_validation_returns_the_form_partial_and_saves_nothing(patient_client, patient):
    data = {"_validate": "1", "scanned_on": "2024-05-02", "lumbar_spine-bmd": "3.5"}
    response = patient_client.post(add_url(patient), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="scan-form"')
    assert "BMD must be between 0.200 and 2.000 g/cm²." in html
    # Fields not yet filled are not flagged while typing.
    assert "This field is required" not in html
    assert "Choose the facility" not in html
    assert not DexaScan.objects.exists()


def test_clinician_verifies_and_the_history_records_it(client, clinician, patient):
    scan = make_scan(patient, dt.date(2023, 1, 5), {"lumbar_spine": ("0.800", "-2.0")})
    client.force_login(clinician)
    url = reverse("dexa:scan-verify", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
    assert client.post(url).status_code == 302
    scan.refresh_from_db()
    assert scan.verified_by == clinician
    assert scan.revisions.get().action == "verified"


def test_correction_keeps_its_history(clinician_client, clinician, patient):
    facility = FacilityFactory()
    scan = make_scan(
        patient, dt.date(2024, 5, 2), {"lumbar_spine": ("0.812", "-2.3"), "femoral_neck": ("0.640", "-2.6")}, facility=facility
    )
    url = reverse("dexa:scan-edit", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
    data = form_data(facility, **{"femoral_neck-bmd": "0.660", "femoral_neck-t_score": "-2.4", "lumbar_spine-z_score": ""})
    assert clinician_client.post(url, data).status_code == 302
    revision = scan.revisions.get(action="corrected")
    assert revision.changed_by == clinician
    changes = {c["field"]: (c["before"], c["after"]) for c in revision.changes}
    assert changes["Femoral neck: BMD"] == ("0.640", "0.660")
    assert changes["Femoral neck: T-score"] == ("-2.6", "-2.4")
    detail = clinician_client.get(reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))
    assert "Femoral neck: BMD: 0.640 → 0.660" in detail.content.decode()
    scan.refresh_from_db()
    assert scan.category == "osteopenia"


def test_patient_cannot_change_a_verified_scan(patient_client, patient, clinician):
    scan = make_scan(
        patient, dt.date(2023, 1, 5), {"lumbar_spine": ("0.800", "-2.0")}, verified_by=clinician, verified_at="2023-02-01T10:00Z"
    )
    for name in ("dexa:scan-edit", "dexa:scan-delete"):
        response = patient_client.post(reverse(name, kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))
        assert response.status_code == 403
    assert DexaScan.objects.filter(pk=scan.pk).exists()


def test_delete_removes_the_scan_and_moves_the_due_date(patient_client, patient):
    make_scan(patient, dt.date(2020, 1, 5), {"lumbar_spine": ("0.800", "-1.5")})
    latest = make_scan(patient, dt.date(2023, 1, 5), {"lumbar_spine": ("0.700", "-2.6")})
    from dexa.services import refresh_next_scan_due

    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2025, 1, 5)
    url = reverse("dexa:scan-delete", kwargs={"patient_id": patient.pk, "scan_id": latest.pk})
    assert patient_client.post(url).status_code == 302
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2025, 1, 5)  # 2020 osteopenia at −1.5: 5 years
    assert DexaScan.objects.count() == 1


def test_delete_button_asks_for_confirmation(patient_client, patient):
    scan = make_scan(patient, dt.date(2023, 1, 5), {"lumbar_spine": ("0.800", "-2.0")})
    html = patient_client.get(reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})).content.decode()
    assert 'data-confirm="Delete the scan of 5 Jan 2023 and all its results?"' in html
