"""The scan report on the scan page: attaching, downloading (headers, access log), removing, and the timeline marker."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse

from bonetrack.audit.models import AccessAction, AccessEvent, RecordEvent
from dexa import reports
from dexa.models import ScanReport
from tests.dexa.factories import make_scan
from tests.dexa.report_samples import EXE, image_bytes, pdf_bytes, stored_report, upload
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def _scan(patient):
    return make_scan(patient, dt.date(2024, 3, 5), {"lumbar_spine": ("0.800", "-2.0")})


def _detail(patient, scan) -> str:
    return reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})


def _add(patient, scan) -> str:
    return reverse("dexa:report-add", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})


def _download(report) -> str:
    return reverse("dexa:report-download", kwargs={"patient_id": report.patient_id, "report_id": report.pk})


def _delete(report) -> str:
    return reverse("dexa:report-delete", kwargs={"patient_id": report.patient_id, "report_id": report.pk})


def _form_token(client, url) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1)


def _files() -> list:
    root = settings.REPORT_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_scan_page_attaches_a_report_and_lists_it(patient_client, patient):
    scan = _scan(patient)
    page = patient_client.get(_detail(patient, scan)).content.decode()
    assert "No report attached yet" in page and f'action="{_add(patient, scan)}"' in page
    token = _form_token(patient_client, _detail(patient, scan))
    response = patient_client.post(_add(patient, scan), {"file": upload(pdf_bytes(), "Bone scan.pdf"), "form_token": token})
    assert response.status_code == 302 and response["Location"] == _detail(patient, scan)
    report = ScanReport.objects.get()
    assert (report.scan, report.uploaded_by, report.content_type) == (scan, patient.user, "application/pdf")
    page = patient_client.get(_detail(patient, scan)).content.decode()
    assert f'href="{_download(report)}"' in page and "Bone scan.pdf" in page and "PDF" in page
    assert f'action="{_delete(report)}"' in page
    assert RecordEvent.objects.filter(patient=patient, kind="report_attached").count() == 1


def test_the_same_form_sent_twice_attaches_one_report(patient_client, patient):
    scan = _scan(patient)
    token = _form_token(patient_client, _add(patient, scan))
    for _ in range(2):
        patient_client.post(_add(patient, scan), {"file": upload(pdf_bytes()), "form_token": token})
    assert ScanReport.objects.count() == 1 and len(_files()) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, reports.NO_FILE), ({"file": upload(EXE, "report.pdf")}, reports.NOT_A_REPORT), ({"file": "garbage"}, reports.NO_FILE)],
)
def test_a_refused_upload_says_why_next_to_the_field_and_keeps_nothing(patient_client, patient, data, message):
    scan = _scan(patient)
    token = _form_token(patient_client, _add(patient, scan))
    response = patient_client.post(_add(patient, scan), {**data, "form_token": token})
    html = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'<input type="file" name="file"[^>]*aria-invalid="true"', html)
    assert message.replace("'", "&#x27;") in html
    assert not ScanReport.objects.exists() and _files() == []
    # The token was not spent: the corrected form goes through.
    again = patient_client.post(_add(patient, scan), {"file": upload(image_bytes("PNG"), "scan.png"), "form_token": token})
    assert again.status_code == 302 and ScanReport.objects.get().content_type == "image/png"


def test_a_download_is_an_attachment_never_sniffed_or_cached(clinician_client, patient):
    content = image_bytes("JPEG")
    renamed = upload(content, "scan.exe", "application/x-msdownload")
    report = reports.store_report(patient=patient, uploaded_file=renamed, by=patient.user, scan=_scan(patient))
    response = clinician_client.get(_download(report))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="scan.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}


def test_every_download_is_in_the_access_log_once(client, patient, clinician):
    report = stored_report(patient, by=patient.user, scan=_scan(patient))
    # The patient too: pages of their own record are not logged, but a copy of the report leaving the server is.
    for user in (clinician, AdminFactory(), patient.user):
        client.force_login(user)
        response = client.get(_download(report))
        b"".join(response.streaming_content)
        event = AccessEvent.objects.filter(actor=user).get()
        assert (event.patient_id, event.action, event.path) == (patient.pk, AccessAction.VIEW, _download(report))


def test_a_missing_file_is_not_found(patient_client, patient):
    report = stored_report(patient, by=patient.user, scan=_scan(patient))
    reports.report_path(report).unlink()
    assert patient_client.get(_download(report)).status_code == 404


def test_a_patient_removes_their_own_report_but_not_their_care_teams(
    patient_client, patient, clinician, django_capture_on_commit_callbacks
):
    scan = _scan(patient)
    own = stored_report(patient, by=patient.user, scan=scan, name="mine.pdf")
    teams = stored_report(patient, by=clinician, scan=scan, name="clinic.pdf")
    page = patient_client.get(_detail(patient, scan)).content.decode()
    assert f'action="{_delete(own)}"' in page and f'action="{_delete(teams)}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        assert patient_client.post(_delete(teams)).status_code == 403
        assert patient_client.post(_delete(own)).status_code == 302
    assert list(ScanReport.objects.all()) == [teams]
    assert _files() == [reports.report_path(teams)]
    assert RecordEvent.objects.filter(kind="report_removed", actor=patient.user).count() == 1


def test_the_care_team_removes_a_patients_report(clinician_client, patient, django_capture_on_commit_callbacks):
    report = stored_report(patient, by=patient.user, scan=_scan(patient))
    with django_capture_on_commit_callbacks(execute=True):
        response = clinician_client.post(_delete(report))
    assert response.status_code == 302 and not ScanReport.objects.exists() and _files() == []


def test_deleting_the_scan_on_its_page_deletes_the_report_files(patient_client, patient, django_capture_on_commit_callbacks):
    scan = _scan(patient)
    stored_report(patient, by=patient.user, scan=scan)
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_client.post(reverse("dexa:scan-delete", kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))
    assert response.status_code == 302 and not ScanReport.objects.exists() and _files() == []


def test_the_scan_page_reads_its_reports_in_one_query(patient_client, patient, django_assert_max_num_queries):
    scan = _scan(patient)
    stored_report(patient, by=patient.user, scan=scan)
    with django_assert_max_num_queries(100) as few:
        patient_client.get(_detail(patient, scan))
    for _ in range(4):
        stored_report(patient, by=patient.user, scan=scan)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = patient_client.get(_detail(patient, scan))
    assert response.content.decode().count("/reports/") >= 5


def test_the_timeline_marks_the_scan_with_its_report(clinician_client, patient, django_assert_max_num_queries):
    scan = _scan(patient)
    url = reverse("clinic:timeline", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(100) as without:
        html = clinician_client.get(url).content.decode()
    assert "Report attached" not in html.split('id="feed"')[1].split("</ol>")[0]
    report = stored_report(patient, by=patient.user, scan=scan)
    with django_assert_max_num_queries(len(without.captured_queries)):
        html = clinician_client.get(url).content.decode()
    feed = html.split('id="feed"')[1]
    assert "Report attached" in feed and f'href="{_download(report)}"' in feed


def test_deleting_scans_in_the_admin_deletes_their_report_files(client, patient, django_capture_on_commit_callbacks):
    first, second = _scan(patient), make_scan(patient, dt.date(2025, 3, 5), {"lumbar_spine": ("0.800", "-2.0")})
    stored_report(patient, by=patient.user, scan=first)
    stored_report(patient, by=patient.user, scan=second)
    client.force_login(AdminFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:dexa_dexascan_delete", args=[first.pk]), {"post": "yes"})
    assert ScanReport.objects.count() == 1 and len(_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        changelist = reverse("admin:dexa_dexascan_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"})
    assert not ScanReport.objects.exists() and _files() == []


def test_a_download_keeps_a_name_in_any_alphabet(patient_client, patient):
    report = reports.store_report(
        patient=patient, uploaded_file=upload(pdf_bytes(), "Überweisung Knochendichte.pdf"), by=patient.user, scan=_scan(patient)
    )
    response = patient_client.get(_download(report))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%9Cberweisung%20Knochendichte.pdf"
