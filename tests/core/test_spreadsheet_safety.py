"""Spreadsheet formula injection and NUL characters: every CSV written is safe to open, no NUL gets in."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bonetrack.audit.models import AccessEvent
from bonetrack.core.csvexport import DictWriter, spreadsheet_safe, writer
from dexa.importing import import_commit, parse_csv
from dexa.models import DexaScan
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory

HEADER = "scan_date,facility,make,model,site,side,bmd,t_score,z_score\n"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Riverside Bone Health Clinic", "Riverside Bone Health Clinic"),
        ("", ""),
        ("-2.5", "-2.5"),  # a negative number typed as text is a number, not a formula
        ("+1.0", "+1.0"),
        (Decimal("-2.5"), Decimal("-2.5")),
        (-2.5, -2.5),
        (-3, -3),
        (None, None),
        (dt.date(2024, 1, 2), dt.date(2024, 1, 2)),
    ],
)
def test_spreadsheet_safe(cell, written):
    assert spreadsheet_safe(cell) == written


def test_writers_neutralise_formulas_and_keep_numbers():
    out = io.StringIO()
    writer(out).writerows([["facility", "t_score"], ["=cmd|' /C calc'!A0", Decimal("-2.5")]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["facility", "t_score"], ["'=cmd|' /C calc'!A0", "-2.5"]]
    out = io.StringIO()
    rows = DictWriter(out, ["model", "t_score"])
    rows.writeheader()
    rows.writerow({"model": "@SUM(1+1)", "t_score": Decimal("-1.0")})
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["model", "t_score"], ["'@SUM(1+1)", "-1.0"]]


def test_imported_formulas_come_out_neutralised(db):
    patient = PatientFactory()
    text = HEADER + "2024-01-01,=HYPERLINK(\"http://evil\"),hologic,@SUM(1+1),lumbar_spine,,0.800,-2.5,-1.0\n"
    (scan,) = import_commit(patient=patient, text=text, user=ClinicianFactory(), today=dt.date(2024, 6, 1))
    scan = DexaScan.objects.select_related("facility").get(pk=scan.pk)
    measurement = scan.measurements.get()
    out = io.StringIO()
    writer(out).writerow([scan.facility.name, scan.model, measurement.t_score, measurement.z_score])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=HYPERLINK(\"http://evil\")", "'@SUM(1+1)", "-2.5", "-1.0"]


def test_every_csv_export_goes_through_the_safe_writer():
    """A new export that used the csv module's writers directly would write formulas raw."""
    root = Path(settings.BASE_DIR)
    raw_writer = re.compile(r"\bcsv\.(?:writer|DictWriter)\b|from\s+csv\s+import\s+[^\n]*\b(?:writer|DictWriter)\b")
    offenders = [
        str(path.relative_to(root))
        for folder in ("bonetrack", "dexa", "nutrition", "exercise")
        for path in (root / folder).rglob("*.py")
        if path.name != "csvexport.py" and raw_writer.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# NUL characters ---------------------------------------------------------------------------------------------------


def test_a_csv_file_with_a_nul_is_refused(db):
    patient = PatientFactory()
    text = (
        HEADER
        + "2024-01-01,City,hologic,,lumbar_spine,,0.800,-1.0,\n"
        + "2024-01-01,Ci\x00ty,hologic,,total_hip,left,0.800,-1.0,\n"
    )
    preview = parse_csv(text, patient=patient, today=dt.date(2024, 6, 1))
    assert preview.has_errors and "Line 3 contains a NUL character" in preview.errors[0]
    with pytest.raises(ValueError):
        import_commit(patient=patient, text=text, user=ClinicianFactory(), today=dt.date(2024, 6, 1))
    assert not DexaScan.objects.exists()


def test_an_uploaded_csv_with_a_nul_shows_the_error(client, db):
    patient, clinician = PatientFactory(), ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    client.force_login(clinician)
    upload = SimpleUploadedFile("scans.csv", (HEADER + "2024-01-01,C\x00,hologic,,lumbar_spine,,0.8,-1.0,\n").encode())
    response = client.post(reverse("dexa:scan-import-preview", kwargs={"patient_id": patient.pk}), {"file": upload})
    assert response.status_code == 200
    assert "Line 2 contains a NUL character" in response.content.decode()


@pytest.fixture
def patient_client(client, db):
    patient = PatientFactory()
    client.force_login(patient.user)
    client.patient = patient
    return client


def test_a_nul_in_a_query_is_refused(patient_client):
    url = reverse("nutrition:day", kwargs={"patient_id": patient_client.patient.pk})
    assert patient_client.get(url, {"q": "milk"}).status_code == 200
    assert patient_client.get(url, {"q": "mi\x00lk"}).status_code == 400


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_saved(patient_client):
    url = reverse("patients:fracture-list", kwargs={"patient_id": patient_client.patient.pk})
    data = {"site": "wrist", "occurred_on": "2020-05-01", "notes": "fell\x00 on ice"}
    assert patient_client.post(url, data).status_code == 400
    assert not patient_client.patient.fractures.exists()


def test_a_nul_in_a_field_name_a_path_or_a_cookie_is_refused(patient_client):
    home = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient_client.patient.pk})
    assert patient_client.get(home, {"x\x00": "1"}).status_code == 400
    assert patient_client.get("/patients/1%00/").status_code == 400
    patient_client.cookies["sessionid"] = "abc\x00def"
    assert patient_client.get(home).status_code == 400


def test_the_admin_search_refuses_a_nul(client, db):
    client.force_login(AdminFactory())
    url = reverse("admin:dexa_dexascan_changelist")
    assert client.get(url, {"q": "x"}).status_code == 200
    assert client.get(url, {"q": "x\x00"}).status_code == 400


def test_a_nul_in_the_user_agent_is_dropped_from_the_access_log(client, db):
    patient, clinician = PatientFactory(), ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    client.force_login(clinician)
    home = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    assert client.get(home, HTTP_USER_AGENT="Fire\x00fox").status_code == 200
    assert AccessEvent.objects.get().user_agent == "Firefox"
