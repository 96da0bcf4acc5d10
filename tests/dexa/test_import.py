"""CSV import: preview with per-row errors, then all rows or none."""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import dexa
from dexa.importing import import_commit, parse_csv
from dexa.models import DexaScan, SiteMeasurement
from tests.dexa.factories import FacilityFactory, make_scan

pytestmark = pytest.mark.django_db
EXAMPLE = Path(dexa.__file__).parent / "examples" / "dexa_import_example.csv"
TODAY = dt.date(2024, 6, 1)
HEADER = "scan_date,facility,make,model,site,side,bmd,t_score,z_score\n"


def test_the_example_file_parses_cleanly(patient):
    preview = parse_csv(EXAMPLE.read_text(), patient=patient, today=TODAY)
    assert not preview.has_errors
    assert len(preview.rows) == 10
    assert len(preview.scans()) == 3


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("2024-13-01,A,hologic,,lumbar_spine,,0.800,-1.0,", "is not a date in the form YYYY-MM-DD"),
        ("2030-01-01,A,hologic,,lumbar_spine,,0.800,-1.0,", "scan_date is in the future."),
        ("1940-01-01,A,hologic,,lumbar_spine,,0.800,-1.0,", "scan_date is before the date of birth."),
        ("2024-01-01,A,norland,,lumbar_spine,,0.800,-1.0,", "must be Hologic, GE Lunar or other"),
        ("2024-01-01,A,hologic,,wards,,0.800,-1.0,", "site “wards” must be one of"),
        ("2024-01-01,A,hologic,,lumbar_spine,left,0.800,-1.0,", "The lumbar spine has no side."),
        ("2024-01-01,A,hologic,,femoral_neck,up,0.800,-1.0,", "side “up” must be left, right or empty."),
        ("2024-01-01,A,hologic,,lumbar_spine,,2.500,-1.0,", "BMD 2.500 is outside 0.200 to 2.000 g/cm²."),
        ("2024-01-01,A,hologic,,lumbar_spine,,abc,-1.0,", "BMD “abc” is not a number."),
        ("2024-01-01,A,hologic,,lumbar_spine,,0.800,-7.5,", "T-score -7.5 is outside -7.0 to 6.0."),
        ("2024-01-01,A,hologic,,lumbar_spine,,0.800,-1.25,", "T-score “-1.25” has more than 1 decimal places."),
        ("2024-01-01,A,hologic,,lumbar_spine,,,-1.0,", "bmd is empty."),
    ],
)
def test_each_row_error_is_reported_against_its_line(patient, line, error):
    good = "2024-01-01,B,hologic,,lumbar_spine,,0.800,-1.0,\n"
    preview = parse_csv(HEADER + good + line + "\n", patient=patient, today=TODAY)
    assert preview.rows[0].errors == []
    assert preview.rows[1].line == 3
    assert any(error in message for message in preview.rows[1].errors), preview.rows[1].errors
    assert preview.has_errors


def test_rows_of_one_scan_must_agree_and_not_repeat_a_site(patient):
    text = HEADER + "2024-01-01,A,hologic,,lumbar_spine,,0.8,-1.0,\n2024-01-01,A,ge_lunar,,total_hip,left,0.8,-1.0,\n"
    text += "2024-01-01,A,hologic,,lumbar_spine,,0.9,-0.5,\n"
    rows = parse_csv(text, patient=patient, today=TODAY).rows
    assert "make/model differ from line 2 of the same scan." in rows[1].errors
    assert "Lumbar spine (L1–L4) appears twice in the same scan." in rows[2].errors


def test_an_existing_scan_is_an_error(patient):
    make_scan(patient, dt.date(2024, 1, 1), {"lumbar_spine": ("0.800", "-1.0")}, facility=FacilityFactory(name="City"))
    preview = parse_csv(HEADER + "2024-01-01,city,hologic,,total_hip,,0.8,-1.0,\n", patient=patient, today=TODAY)
    assert preview.rows[0].errors == ["A scan on 1 Jan 2024 at city is already recorded."]


def test_missing_header_is_a_file_error(patient):
    preview = parse_csv("date,bmd\n2024-01-01,0.8\n", patient=patient, today=TODAY)
    assert preview.errors and "missing: scan_date, facility, make, site, t_score" in preview.errors[0]


def test_unusual_scores_warn_without_blocking(patient):
    preview = parse_csv(HEADER + "2024-01-01,A,hologic,,lumbar_spine,,0.5,-5.2,\n", patient=patient, today=TODAY)
    assert not preview.has_errors
    assert preview.rows[0].warnings == ["T-score -5.2 is unusual: please double-check it."]


def test_commit_is_all_or_nothing(patient, clinician):
    bad = EXAMPLE.read_text() + "2023-09-01,City Imaging Centre,hologic,Horizon A,lumbar_spine,,9.9,-1.0,\n"
    with pytest.raises(ValueError, match="1 row"):
        import_commit(patient=patient, text=bad, user=clinician, today=TODAY)
    assert not DexaScan.objects.exists()
    created = import_commit(patient=patient, text=EXAMPLE.read_text(), user=clinician, today=TODAY)
    assert len(created) == 3
    assert SiteMeasurement.objects.count() == 10
    latest = DexaScan.objects.newest_first().first()
    assert (latest.source, latest.verified_by, latest.category, latest.diagnosis) == (
        "imported",
        clinician,
        "osteopenia",
        "osteoporosis",
    )
    assert latest.revisions.get().action == "imported"
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2025, 3, 20)


def test_preview_then_commit_over_http(clinician_client, patient):
    preview_url = reverse("dexa:scan-import-preview", kwargs={"patient_id": patient.pk})
    upload = SimpleUploadedFile("scans.csv", EXAMPLE.read_bytes(), content_type="text/csv")
    response = clinician_client.post(preview_url, {"file": upload})
    html = response.content.decode()
    assert "10 rows, 3 scans" in html
    assert "Import 3 scans" in html
    assert not DexaScan.objects.exists()
    response = clinician_client.post(
        reverse("dexa:scan-import", kwargs={"patient_id": patient.pk}), {"csv_text": response.context["text"]}
    )
    assert response.status_code == 302
    assert DexaScan.objects.filter(patient=patient).count() == 3
    assert DexaScan.objects.get(scanned_on=dt.date(2023, 3, 20)).measurements.get(site="radius_33").bmd == D("0.655")


def test_preview_with_errors_offers_no_import(clinician_client, patient):
    text = HEADER + "2024-01-01,A,hologic,,lumbar_spine,,0.800,-9.0,\n"
    upload = SimpleUploadedFile("scans.csv", text.encode(), content_type="text/csv")
    html = clinician_client.post(
        reverse("dexa:scan-import-preview", kwargs={"patient_id": patient.pk}), {"file": upload}
    ).content.decode()
    assert "T-score -9.0 is outside -7.0 to 6.0." in html
    assert "nothing has been imported" in html
    assert "Import 1 scan" not in html


def test_patients_cannot_import(patient_client, patient):
    assert patient_client.get(reverse("dexa:scan-import", kwargs={"patient_id": patient.pk})).status_code == 403
