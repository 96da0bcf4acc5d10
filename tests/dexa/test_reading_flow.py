"""Reading a scan report in the web app: upload, the worker's reading, progress, the pre-filled form and its confirmation."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from dexa import report_reading, tasks
from dexa.beat import PURGE_REPORTS, ensure_schedule
from dexa.models import DexaScan, ReadingStatus, ReportReading, ScanReport
from dexa.reading import ReportUnreadable
from tests.dexa.reading_fixtures import PDF_BYTES, finished_reading, hologic_result, stored_report

pytestmark = pytest.mark.django_db

SCAN_FORM = {
    "scanned_on": "2024-03-05",
    "new_facility": "Riverside Imaging",
    "make": "hologic",
    "model": "Horizon A",
    "lumbar_spine-bmd": "0.812",
    "lumbar_spine-t_score": "-2.1",
    "lumbar_spine-z_score": "-1.0",
    "femoral_neck-side": "left",
    "femoral_neck-bmd": "0.640",
    "femoral_neck-t_score": "-2.4",  # the value the reading flagged (-2.9), corrected by the patient
    "femoral_neck-z_score": "-1.1",
}


def _url(name, patient, reading, **extra):
    return reverse(f"dexa:{name}", kwargs={"patient_id": patient.pk, "reading_id": reading.pk, **extra})


def _form_token(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


class TestUpload:
    def test_a_pdf_is_stored_and_its_reading_queued(
        self, patient_client, patient, monkeypatch, django_capture_on_commit_callbacks
    ):
        sent = []
        monkeypatch.setattr(tasks.read_report_task, "apply_async", lambda args, kwargs: sent.append(args))
        url = reverse("dexa:scan-read", kwargs={"patient_id": patient.pk})
        token = _form_token(patient_client, url)
        with django_capture_on_commit_callbacks(execute=True):
            response = patient_client.post(url, {"file": SimpleUploadedFile("scan.jpg", PDF_BYTES), "form_token": token})
        reading = ReportReading.objects.get()
        assert response.status_code == 302
        assert response["Location"] == _url("scan-reading", patient, reading)
        assert reading.status == ReadingStatus.QUEUED
        assert reading.report.content_type == "application/pdf"  # by content, not by the name
        assert reading.report.scan is None
        assert sent == [(reading.pk,)]

    def test_a_file_that_is_not_a_report_is_refused_and_nothing_is_kept(self, patient_client, patient, settings):
        url = reverse("dexa:scan-read", kwargs={"patient_id": patient.pk})
        token = _form_token(patient_client, url)
        upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a report", content_type="application/pdf")
        response = patient_client.post(url, {"file": upload, "form_token": token})
        assert response.status_code == 200
        assert "not a PDF or a photo" in response.content.decode()
        assert not ScanReport.objects.exists()
        assert not ReportReading.objects.exists()
        root = settings.REPORT_ROOT
        assert not root.exists() or not [path for path in root.rglob("*") if path.is_file()]


class TestRunReading:
    def _queued(self, patient):
        return ReportReading.objects.create(report=stored_report(patient))

    def test_the_values_are_stored_with_progress_and_nothing_becomes_a_scan(self, patient, monkeypatch):
        reading = self._queued(patient)
        seen = []

        def fake_read(data, content_type, *, progress=None, deadline=None):
            assert data == PDF_BYTES and content_type == "application/pdf" and deadline is not None
            progress(40, "Reading page 1 of 2")
            seen.append(ReportReading.objects.get(pk=reading.pk).progress)
            return hologic_result()

        monkeypatch.setattr("dexa.reading.read_report", fake_read)
        assert tasks.read_report_task(reading.pk) == ReadingStatus.DONE
        reading.refresh_from_db()
        assert seen == [40]
        assert (reading.status, reading.progress) == (ReadingStatus.DONE, 100)
        assert reading.result["fields"]["lumbar_spine.bmd"]["value"] == "0.812"
        assert reading.finished_at is not None
        assert not DexaScan.objects.exists()

    @pytest.mark.parametrize(
        ("error", "message"),
        [
            (ReportUnreadable("That PDF has more than 20 pages — is it the right file?"), "more than 20 pages"),
            (SoftTimeLimitExceeded(), "took too long"),
            (RuntimeError("boom"), "could not be read"),
        ],
    )
    def test_a_file_that_cannot_be_read_fails_with_a_plain_message(self, patient, monkeypatch, error, message):
        reading = self._queued(patient)

        def fake_read(*args, **kwargs):
            raise error

        monkeypatch.setattr("dexa.reading.read_report", fake_read)
        assert report_reading.run_reading(reading.pk) == ReadingStatus.FAILED
        reading.refresh_from_db()
        assert reading.status == ReadingStatus.FAILED
        assert message in reading.error
        assert "boom" not in reading.error

    def test_a_finished_reading_is_not_read_again(self, patient, monkeypatch):
        reading = finished_reading(patient)
        monkeypatch.setattr("dexa.reading.read_report", lambda *a, **k: pytest.fail("read again"))
        assert report_reading.run_reading(reading.pk) == ReadingStatus.DONE
        assert report_reading.run_reading(987654) is None


class TestProgress:
    def test_the_status_polls_until_the_reading_is_done(self, patient_client, patient):
        reading = finished_reading(patient, status=ReadingStatus.RUNNING, result={})
        ReportReading.objects.filter(pk=reading.pk).update(progress=35, stage="Reading page 1 of 2")
        response = patient_client.get(_url("scan-reading-status", patient, reading), HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "hx-get" in page and "35 %" in page and "Reading page 1 of 2" in page
        ReportReading.objects.filter(pk=reading.pk).update(status=ReadingStatus.DONE, result=hologic_result())
        page = patient_client.get(_url("scan-reading-status", patient, reading), HTTP_HX_REQUEST="true").content.decode()
        assert "hx-get" not in page
        assert _url("scan-from-report", patient, reading) in page

    def test_without_htmx_the_status_sends_to_the_page(self, patient_client, patient):
        reading = finished_reading(patient)
        response = patient_client.get(_url("scan-reading-status", patient, reading))
        assert response.status_code == 302 and response["Location"] == _url("scan-reading", patient, reading)

    def test_a_file_with_no_dexa_values_says_so(self, patient_client, patient):
        reading = finished_reading(patient, result={"method": "text", "pages": 1, "found": False, "fields": {}})
        page = patient_client.get(_url("scan-reading", patient, reading)).content.decode()
        assert "No DEXA values found" in page
        response = patient_client.get(_url("scan-from-report", patient, reading))
        assert response["Location"] == _url("scan-reading", patient, reading)

    def test_a_failed_reading_shows_why(self, patient_client, patient):
        reading = finished_reading(patient, status=ReadingStatus.FAILED, result={})
        ReportReading.objects.filter(pk=reading.pk).update(error="That PDF has more than 20 pages — is it the right file?")
        assert "more than 20 pages" in patient_client.get(_url("scan-reading", patient, reading)).content.decode()


class TestCheckAndSave:
    def test_the_form_is_filled_with_each_value_and_where_it_was_read(self, patient_client, patient):
        reading = finished_reading(patient)
        page = patient_client.get(_url("scan-from-report", patient, reading)).content.decode()
        assert 'value="0.812"' in page and 'value="-2.9"' in page and 'value="2024-03-05"' in page
        assert 'value="Riverside Imaging"' in page  # a facility not in the list goes to "not in the list"
        assert "Read from page 2: “Neck 0.640 -2.4 -1.1”" in page
        assert page.count("Please check this value") == 1  # the low-confidence T-score only
        # One picture per line of the report, under the first value read from it, inside the page (no extra request).
        assert page.count('class="reading-crop" src="data:image/png;base64,') == 6  # date, make+model, facility, side, 2 rows
        assert "I have checked every value against the report" in page

    def test_nothing_is_saved_until_the_values_are_confirmed(self, patient_client, patient):
        reading = finished_reading(patient)
        url = _url("scan-from-report", patient, reading)
        response = patient_client.post(url, {**SCAN_FORM, "form_token": _form_token(patient_client, url)})
        assert response.status_code == 200
        assert "Tick this box once you have checked every value" in response.content.decode()
        assert 'value="-2.4"' in response.content.decode()  # what was typed is kept
        assert not DexaScan.objects.exists()
        reading.report.refresh_from_db()
        assert reading.report.scan is None

    def test_the_confirmed_values_become_a_scan_with_the_report_attached(self, patient_client, patient):
        reading = finished_reading(patient)
        url = _url("scan-from-report", patient, reading)
        data = {**SCAN_FORM, "values_checked": "1", "form_token": _form_token(patient_client, url)}
        response = patient_client.post(url, data)
        assert response.status_code == 302
        scan = DexaScan.objects.get()
        assert scan.scanned_on == dt.date(2024, 3, 5) and scan.make == "hologic"
        assert scan.measurements.get(site="femoral_neck").t_score == Decimal("-2.4")
        assert scan.category == "osteopenia"  # R1 applies as for a typed scan: lowest T −2.4
        reading.report.refresh_from_db()
        assert reading.report.scan == scan
        # Confirmed once: the form now leads to the scan, and cannot make a second one.
        again = patient_client.get(url)
        assert again["Location"] == reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
        assert patient_client.post(url, data).status_code == 302
        assert DexaScan.objects.count() == 1

    def test_a_reading_still_running_has_no_form_yet(self, patient_client, patient):
        reading = finished_reading(patient, status=ReadingStatus.RUNNING, result={})
        response = patient_client.get(_url("scan-from-report", patient, reading))
        assert response["Location"] == _url("scan-reading", patient, reading)


class TestSourcePictures:
    def test_one_picture_per_line_under_the_first_value_read_from_it(self, patient):
        reading = finished_reading(patient)
        _, _, sources = report_reading.prefill(reading, patient)
        assert sources["lumbar_spine-bmd"].image.startswith("data:image/png;base64,iVBOR")
        assert sources["lumbar_spine-t_score"].image == ""  # the same line as the BMD
        assert sources["make"].image and not sources["model"].image
        assert (sources["femoral_neck-t_score"].page, sources["femoral_neck-t_score"].low) == (2, True)
        assert sources["femoral_neck-z_score"].image == ""

    def test_a_crop_that_is_not_a_png_is_never_shown(self, patient):
        result = hologic_result()
        result["fields"]["make"]["crop"] = "PHNjcmlwdD4="  # "<script>" in base64
        result["fields"]["facility"]["crop"] = "not base64 at all!"
        reading = finished_reading(patient, result=result)
        _, _, sources = report_reading.prefill(reading, patient)
        assert sources["make"].image == ""
        assert sources["model"].image.startswith("data:image/png")  # the same line, with a real picture
        assert sources["new_facility"].image == ""

    def test_unknown_keys_in_a_result_are_ignored(self, patient):
        result = hologic_result()
        result["fields"]["patient.name"] = {"value": "x", "page": 1}
        reading = finished_reading(patient, result=result)
        _, site_initial, sources = report_reading.prefill(reading, patient)
        assert "patient.name" not in sources and "patient" not in site_initial


class TestPurgeSchedule:
    def test_the_hourly_purge_of_unattached_reports_is_scheduled(self):
        ensure_schedule(PeriodicTask, CrontabSchedule)  # idempotent: the migration ran it already
        task = PeriodicTask.objects.get(name=PURGE_REPORTS)
        assert task.task == tasks.purge_orphan_reports_task.name
        assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("50", "*", True)

    def test_the_task_deletes_a_day_old_report_never_saved_as_a_scan(self, patient, settings):
        reading = finished_reading(patient)
        path = settings.REPORT_ROOT / reading.report.file_name
        assert path.is_file()
        ScanReport.objects.filter(pk=reading.report_id).update(uploaded_at=timezone.now() - dt.timedelta(days=1, minutes=1))
        assert tasks.purge_orphan_reports_task() >= 1
        assert not ScanReport.objects.exists() and not ReportReading.objects.exists()
        assert not path.exists()
