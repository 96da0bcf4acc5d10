import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import BadSignature
from django.urls import reverse

from bonetrack.portability.fhir_export import bundle_json, patient_bundle
from bonetrack.portability.fhir_import import BundleRefused, read_bundle, sign_preview, unsign_preview
from dexa.models import DexaScan, Facility, ScanRevision, SiteMeasurement
from tests.dexa.factories import FacilityFactory, ScanFactory
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory
from tests.portability.records import SCANS, add_scans, full_record

TODAY = dt.date(2025, 6, 1)
LOINC = "http://loinc.org"


def _url(name: str, patient) -> str:
    return reverse(f"portability:{name}", kwargs={"patient_id": patient.pk})


def _upload(client, patient, content: bytes, name: str = "bundle.json"):
    return client.post(_url("fhir-import-preview", patient), {"file": SimpleUploadedFile(name, content)})


def _signed(response) -> str:
    return re.search(r'name="scans" value="([^"]+)"', response.content.decode()).group(1)


def _token(response) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', response.content.decode()).group(1)


def _confirm(client, patient, preview_response, **fields):
    data = {"scans": _signed(preview_response), "form_token": _token(preview_response), "facility": "", "make": ""} | fields
    return client.post(_url("fhir-import", patient), data)


def _scans_of(patient) -> list[tuple]:
    """Every scan of the patient with its sites, as comparable values."""
    return [
        (
            scan.scanned_on,
            scan.facility.name,
            scan.make,
            scan.model,
            sorted((m.site, m.side, m.bmd, m.t_score, m.z_score) for m in scan.measurements.all()),
        )
        for scan in DexaScan.objects.filter(patient=patient).order_by("scanned_on").select_related("facility")
    ]


def _expected_scans() -> list[tuple]:
    return [
        (
            day,
            facility,
            make,
            model,
            sorted((s, side, Decimal(b), Decimal(t), None if z is None else Decimal(z)) for s, side, b, t, z in sites),
        )
        for day, facility, make, model, sites in SCANS
    ]


def _state() -> tuple:
    return DexaScan.objects.count(), SiteMeasurement.objects.count(), Facility.objects.count(), ScanRevision.objects.count()


def _bundle(*entries, patient_birth="1958-05-20") -> bytes:
    resources = [{"resourceType": "Patient", "birthDate": patient_birth}, *entries]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{_uuid(i)}", "resource": r} for i, r in enumerate(resources)],
    }
    return json.dumps(bundle).encode()


def _uuid(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def _observation(loinc: str, value, unit: str, **extra) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "effectiveDateTime": "2022-09-14",
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        **extra,
    }


def _single_report(*observations, report_extra=None) -> bytes:
    """A bundle holding one DXA report (no performer, no scanner) and its observations, referenced by fullUrl."""
    report = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "83311-1"}]},
        "effectiveDateTime": "2022-09-14",
        "result": [{"reference": f"urn:uuid:{_uuid(i + 2)}"} for i in range(len(observations))],
        **(report_extra or {}),
    }
    return _bundle(report, *observations)


@pytest.fixture
def exported(patient):
    """Patient A's full record, exported as a FHIR bundle file."""
    full_record(patient)
    return bundle_json(patient_bundle(patient)).encode()


@pytest.fixture
def other(db):
    """Patient B, born on the same day as A, with a clinician on their care team."""
    b = PatientFactory()
    clinician = ClinicianFactory()
    MembershipFactory(patient=b, clinician=clinician)
    return b, clinician


def test_round_trip_export_a_import_into_b_gives_b_the_same_scans(exported, patient, other, client):
    b, clinician = other
    client.force_login(clinician)
    preview = _upload(client, b, exported)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 scans found" in page and "Import 2 scans" in page
    assert "Lumbar spine (L1–L4)" in page and "Femoral neck" in page and "-2.3" in page
    assert "2 Observation resources: only DXA results are imported." in page  # the two lab results
    assert "3 MedicationStatement resources: only DXA results are imported." in page
    assert 'name="facility"' in page and 'type="hidden" name="facility"' in page  # the reports name their facility
    response = _confirm(client, b, preview)
    assert response.status_code == 302 and response.url == reverse("dexa:scan-list", kwargs={"patient_id": b.pk})
    assert _scans_of(b) == _scans_of(patient) == _expected_scans()
    imported = DexaScan.objects.filter(patient=b)
    assert {(s.source, s.verified_by_id, s.entered_by_id) for s in imported} == {("imported", clinician.pk, clinician.pk)}
    assert all(s.category for s in imported)  # dexa's summaries ran (scan_save)
    b.refresh_from_db()
    assert b.next_scan_due_on is not None


def test_a_patient_imports_their_own_scans_as_self_reported_and_unverified(exported, other, client):
    b, _ = other
    client.force_login(b.user)
    response = _confirm(client, b, _upload(client, b, exported))
    assert response.status_code == 302
    assert set(DexaScan.objects.filter(patient=b).values_list("source", "verified_at")) == {("self", None)}
    assert len(_scans_of(b)) == 2


def test_sending_the_confirmation_twice_imports_once(exported, other, client):
    b, clinician = other
    client.force_login(clinician)
    preview = _upload(client, b, exported)
    _confirm(client, b, preview)
    again = _confirm(client, b, preview)
    assert again.status_code == 302
    assert DexaScan.objects.filter(patient=b).count() == 2


def test_a_single_report_without_facility_or_scanner_asks_for_them(patient, client):
    bundle = _single_report(
        _observation("24966-4", 0.801, "g/cm2", code={"coding": [{"system": LOINC, "code": "24966-4"}], "text": "Spine BMD"}),
        _observation("38267-1", -2.6, "{T-Score}"),
        _observation("46279-6", 0.712, "g/cm2", bodySite={"text": "Right total hip"}),  # Hip, right
        _observation("80945-9", -1.7, "{T-Score}"),
        _observation("24701-5", 0.633, "g/cm2", bodySite={"text": "Left femoral neck"}),  # Femur, side from the text
        _observation("38263-0", -2.2, "{T-Score}", bodySite={"text": "Left femoral neck"}),
        _observation("80932-7", 0.4, "{Z-Score}"),  # a radius Z-score alone: no BMD or T-score
        _observation("2000-8", 2.3, "mmol/L"),  # not a DXA code
    )
    client.force_login(patient.user)
    preview = _upload(client, patient, bundle)
    page = preview.content.decode()
    assert "1 scan found" in page
    assert "33% radius: no BMD or T-score, so the site is left out." in page
    assert "is not a BMD, T-score or Z-score of a known DXA site" in page
    missing = _confirm(client, patient, preview)
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    assert DexaScan.objects.count() == 0
    done = _confirm(client, patient, preview, facility="Harbour Imaging", make="ge_lunar")
    assert done.status_code == 302
    assert _scans_of(patient) == [
        (
            dt.date(2022, 9, 14),
            "Harbour Imaging",
            "ge_lunar",
            "",
            [
                ("femoral_neck", "left", Decimal("0.633"), Decimal("-2.2"), None),
                ("lumbar_spine", "", Decimal("0.801"), Decimal("-2.6"), None),
                ("total_hip", "right", Decimal("0.712"), Decimal("-1.7"), None),
            ],
        )
    ]
    assert Facility.objects.get(name="Harbour Imaging").owner == patient  # a new name belongs to this record


def test_the_precise_site_in_the_text_wins_within_the_hip_and_femur_codes(patient):
    bundle = _single_report(
        _observation("46278-8", 0.700, "g/cm2", bodySite={"text": "Left femoral neck"}),  # a Hip code for the neck
        _observation("80946-7", -2.0, "{T-Score}", bodySite={"text": "Left femoral neck"}),
        report_extra={"performer": [{"display": "North Clinic"}]},
    )
    preview = read_bundle(bundle, patient=patient, today=TODAY)
    (scan,) = preview.scans
    assert scan.facility == "North Clinic"
    assert [(s.site, s.side, s.bmd, s.t_score) for s in scan.sites] == [("femoral_neck", "left", Decimal("0.7"), Decimal("-2.0"))]


def test_values_the_scan_form_would_refuse_are_listed_not_imported(patient):
    bundle = _single_report(
        _observation("24966-4", 812, "mg/cm2"),
        _observation("38267-1", -2.3, "{T-Score}"),
        _observation("24890-6", 0.6504, "g/cm2"),
        _observation("38265-5", -9.5, "{T-Score}"),
        _observation("24701-5", 0.640, "g/cm2"),
        _observation("38263-0", -2.0, "{T-Score}"),
    )
    preview = read_bundle(bundle, patient=patient, today=TODAY)
    assert [s.site for s in preview.scans[0].sites] == ["femoral_neck"]
    assert "14 Sep 2022, Lumbar spine (L1–L4) BMD: is in mg/cm2, not g/cm2." in preview.not_mapped
    assert "14 Sep 2022, 33% radius BMD: 0.6504 has more than 3 decimal places." in preview.not_mapped
    assert "14 Sep 2022, 33% radius T-score: -9.5 is outside -7.0 to 6.0." in preview.not_mapped


def test_the_signed_preview_cannot_be_changed_or_used_for_another_record(exported, patient, other):
    b, _ = other
    preview = read_bundle(exported, patient=b, today=TODAY)
    signed = sign_preview(b, preview)
    assert [s.scanned_on for s in unsign_preview(b, signed).scans] == [dt.date(2021, 3, 10), dt.date(2023, 4, 5)]
    with pytest.raises(BundleRefused, match="another record"):
        unsign_preview(PatientFactory(), signed)
    with pytest.raises(BundleRefused, match="expired or was changed"):
        unsign_preview(b, signed[:-3] + "abc")
    assert not isinstance(BundleRefused("x"), BadSignature)


def _refused(client, patient, content: bytes, message: str, name="bundle.json"):
    before = _state()
    response = _upload(client, patient, content, name)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[page.find("file-error") - 200 : page.find("file-error") + 400]
    assert 'name="scans"' not in page  # no confirmation offered
    assert _state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"scan_date,facility\n2024-01-01,City", "The file is not JSON"),
        (b"\xff\xfe{}", "The file is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "The file is not JSON"),
        (b'{"resourceType": "Bundle", "type": "collection", "note": "a\\u0000b"}', "The file contains a NUL character"),
        (b'{"hello": "world"}', "not a FHIR resource: it has no resourceType"),
        (b'{"resourceType": "Patient", "birthDate": "1958-05-20"}', "The file is a FHIR Patient, not a Bundle"),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Observation"}}]}',
            "The bundle is not valid FHIR R4: entry.0.resource.",
        ),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Scan"}}]}',
            "a resource type FHIR R4 does not have",
        ),
        (b'{"resourceType": "Bundle", "type": "nonsense-type", "entry": "x"}', "The bundle is not valid FHIR R4"),
        (_bundle(patient_birth="1961-02-03"), "This bundle is about someone else: its patient was born on 1961-02-03"),
        (_bundle(patient_birth="1961"), "This bundle is about someone else"),
        (
            _bundle(_observation("62292-8", 30, "ng/mL")),
            "No DXA results found in the bundle (no DiagnosticReport with LOINC 83311-1)",
        ),
        (_single_report(_observation("24966-4", 0.8, "g/cm2")), "No DXA results found in the bundle (14 Sep 2022, Lumbar spine"),
    ],
    ids=[
        "csv",
        "not utf-8",
        "nested too deep",
        "nul character",
        "no resourceType",
        "not a bundle",
        "invalid resource",
        "unknown resource type",
        "invalid bundle",
        "someone else",
        "someone else by year",
        "no dxa report",
        "no usable site",
    ],
)
def test_each_refused_file_says_why_and_changes_nothing(exported, other, client, content, message):
    b, clinician = other
    ScanFactory(patient=b, scanned_on=dt.date(2020, 1, 1))
    client.force_login(clinician)
    _refused(client, b, content, message)


def test_a_file_over_5_mb_is_refused(other, client):
    b, clinician = other
    client.force_login(clinician)
    _refused(client, b, b" " * (5 * 1024 * 1024 + 1), "The file is larger than 5 MB")


def test_a_scan_already_recorded_is_refused(exported, other, client):
    b, clinician = other
    ScanFactory(patient=b, scanned_on=dt.date(2023, 4, 5), facility=FacilityFactory(name="riverside clinic"))
    client.force_login(clinician)
    _refused(client, b, exported, "A scan on 5 Apr 2023 at Riverside Clinic is already recorded. Nothing was imported.")


def test_a_scan_recorded_between_preview_and_confirmation_is_refused_and_nothing_saved(exported, other, client):
    b, clinician = other
    client.force_login(clinician)
    preview = _upload(client, b, exported)
    ScanFactory(patient=b, scanned_on=dt.date(2023, 4, 5), facility=FacilityFactory(name="Riverside Clinic"))
    before = _state()
    response = _confirm(client, b, preview)
    assert response.status_code == 200
    assert "A scan on 5 Apr 2023 at Riverside Clinic is already recorded. Nothing was imported." in response.content.decode()
    assert _state() == before
    retry = _confirm(client, b, preview)  # the refused attempt left its form token unused
    assert "already recorded" in retry.content.decode()


def test_a_changed_preview_is_refused_and_changes_nothing(exported, other, client):
    b, clinician = other
    client.force_login(clinician)
    preview = _upload(client, b, exported)
    before = _state()
    response = client.post(_url("fhir-import", b), {"scans": _signed(preview)[:-4] + "AAAA", "form_token": _token(preview)})
    assert "The preview has expired or was changed: upload the file again." in response.content.decode()
    assert _state() == before


def test_a_bundle_of_someone_elses_scans_cannot_be_confirmed_into_this_record(exported, patient, other, client):
    b, clinician = other
    MembershipFactory(patient=patient, clinician=clinician)
    client.force_login(clinician)
    preview_for_b = _upload(client, b, exported)
    before = _state()
    response = client.post(_url("fhir-import", patient), {"scans": _signed(preview_for_b), "form_token": _token(preview_for_b)})
    assert "This preview belongs to another record" in response.content.decode()
    assert _state() == before


def test_the_export_of_one_scan_reads_back_with_the_make_and_model(patient):
    add_scans(
        patient, [(dt.date(2022, 2, 2), "Lake Clinic", "other", "DXA-9", [("radius_33", "right", "0.612", "-2.6", "-1.1")])]
    )
    preview = read_bundle(bundle_json(patient_bundle(patient)).encode(), patient=PatientFactory(), today=TODAY)
    (scan,) = preview.scans
    assert (scan.facility, scan.make, scan.model) == ("Lake Clinic", "other", "DXA-9")
    assert [(s.site, s.side, s.bmd, s.t_score, s.z_score) for s in scan.sites] == [
        ("radius_33", "right", Decimal("0.612"), Decimal("-2.6"), Decimal("-1.1"))
    ]
    assert preview.not_mapped == []


def test_a_bmd_written_in_the_base_fhir_examples_unit_is_read(patient):
    bundle = _single_report(_observation("24966-4", 0.887, "g/cm-2"), _observation("38267-1", -1.1, "{T-Score}"))
    (scan,) = read_bundle(bundle, patient=patient, today=TODAY).scans
    assert [(s.site, s.bmd, s.t_score) for s in scan.sites] == [("lumbar_spine", Decimal("0.887"), Decimal("-1.1"))]
