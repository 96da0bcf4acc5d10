"""Scan report files: the type is decided by content, the size is checked first, files live privately under
REPORT_ROOT, and they go with the report, the scan and the account."""

import datetime as dt
import hashlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bonetrack.audit.models import RecordEvent
from bonetrack.patients.deletion import delete_patient_account
from dexa import reports, services
from dexa.models import REPORT_CONTENT_TYPES, REPORT_MAX_BYTES, ScanReport
from tests.dexa.factories import make_scan
from tests.dexa.report_samples import EXE, HTML, SAMPLES, heic_bytes, pdf_bytes, pdf_upload, stored_report, upload
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _scan(patient, day=dt.date(2024, 3, 5)):
    return make_scan(patient, day, {"lumbar_spine": ("0.800", "-2.0")})


def _files() -> list:
    root = settings.REPORT_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The type check.


@pytest.mark.parametrize("content_type", sorted(SAMPLES))
def test_each_report_type_is_recognised_by_its_content_whatever_the_name_and_stated_type(content_type):
    content = SAMPLES[content_type]()
    assert reports.validate_report_upload(upload(content, "scan.bin", "application/octet-stream")) == content_type


def test_every_allowed_type_has_a_sample_a_file_extension_and_a_label():
    assert set(SAMPLES) == set(REPORT_CONTENT_TYPES) == set(reports.EXTENSIONS) == set(reports.TYPE_LABELS)


def test_a_pdf_named_jpg_is_taken_as_a_pdf():
    assert reports.validate_report_upload(upload(pdf_bytes(), "photo.jpg", "image/jpeg")) == "application/pdf"


@pytest.mark.parametrize(("content", "name"), [(EXE, "report.pdf"), (HTML, "report.pdf"), (b"%PD", "short.pdf")])
def test_a_program_or_web_page_named_pdf_is_refused(content, name):
    with pytest.raises(ValidationError) as refused:
        reports.validate_report_upload(upload(content, name, "application/pdf"))
    assert refused.value.messages == [reports.NOT_A_REPORT]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        reports.validate_report_upload(upload(b"", "report.pdf"))
    assert refused.value.messages == [reports.EMPTY]


class _HugeUpload:
    """A file that says it is over the limit and fails if anything reads it."""

    name = "huge.pdf"
    size = REPORT_MAX_BYTES + 1

    def read(self, *args):
        raise AssertionError("read a file that was already too large")

    seek = chunks = read


def test_a_file_over_10_mb_is_refused_by_its_size_without_being_read():
    with pytest.raises(ValidationError) as refused:
        reports.validate_report_upload(_HugeUpload())
    assert refused.value.messages == [reports.TOO_LARGE]


def test_10_mb_exactly_is_accepted_and_one_byte_more_is_not():
    at_limit = b"%PDF-" + b"0" * (REPORT_MAX_BYTES - 5)
    assert reports.validate_report_upload(upload(at_limit)) == "application/pdf"
    with pytest.raises(ValidationError):
        reports.validate_report_upload(upload(at_limit + b"0"))


def test_heic_brands_are_recognised_and_an_avif_photo_is_not_taken_for_heic():
    assert reports.sniff_content_type(heic_bytes(b"heix")) == "image/heic"
    assert reports.sniff_content_type(heic_bytes(b"mif1", (b"mif1", b"heic"))) == "image/heic"
    assert reports.sniff_content_type(heic_bytes(b"mif1", (b"mif1", b"avif"))) is None
    assert reports.sniff_content_type(heic_bytes(b"mp42", (b"isom",))) is None  # a video
    assert reports.sniff_content_type(b"") is None


# Storing.


def test_a_stored_report_is_under_report_root_in_the_patients_folder_with_a_random_name(patient):
    content = pdf_bytes()
    report = reports.store_report(patient=patient, uploaded_file=upload(content, "My scan.pdf"), by=patient.user)
    path = reports.report_path(report)
    assert path.read_bytes() == content
    assert path.is_relative_to(settings.REPORT_ROOT.resolve())
    assert path.parent.name == f"patient-{patient.pk}"
    assert "My scan" not in path.name and path.suffix == ".pdf"
    assert not path.is_relative_to(settings.STATIC_ROOT)
    assert (report.size, report.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert (report.original_name, report.content_type, report.uploaded_by) == ("My scan.pdf", "application/pdf", patient.user)
    assert _files() == [path]  # no temporary file left behind


def test_the_configured_report_root_is_outside_static_files_and_public_media():
    from bonetrack import settings as configured

    root = configured.REPORT_ROOT.resolve()
    public = [configured.STATIC_ROOT, *configured.STATICFILES_DIRS, getattr(configured, "MEDIA_ROOT", "") or None]
    for folder in filter(None, public):
        assert not root.is_relative_to(Path(folder).resolve()) and not Path(folder).resolve().is_relative_to(root)


def test_the_same_file_uploaded_twice_gets_two_files(patient):
    first, second = (stored_report(patient, by=patient.user) for _ in range(2))
    assert first.file_name != second.file_name and len(_files()) == 2


def test_a_refused_file_writes_nothing(patient):
    with pytest.raises(ValidationError):
        reports.store_report(patient=patient, uploaded_file=upload(HTML, "report.pdf"), by=patient.user)
    assert _files() == [] and not ScanReport.objects.exists()


def test_the_file_is_removed_again_when_its_row_cannot_be_saved(patient, monkeypatch):
    def fail(**kwargs):
        raise IntegrityError("refused")

    monkeypatch.setattr(ScanReport.objects, "create", fail)
    with pytest.raises(IntegrityError):
        stored_report(patient, by=patient.user)
    assert _files() == []


def test_a_file_longer_than_its_stated_size_is_stopped_while_it_is_written(patient):
    lying = upload(b"%PDF-" + b"0" * REPORT_MAX_BYTES)
    lying.size = 1000
    with pytest.raises(ValidationError) as refused:
        reports.store_report(patient=patient, uploaded_file=lying, by=patient.user)
    assert refused.value.messages == [reports.TOO_LARGE]
    assert _files() == [] and not ScanReport.objects.exists()


def test_a_folder_or_control_characters_in_the_name_are_not_kept(patient):
    report = reports.store_report(patient=patient, uploaded_file=upload(pdf_bytes(), "../../etc/re\nport.pdf"), by=patient.user)
    assert report.original_name == "report.pdf"
    assert reports.download_name(report) == "report.pdf"


def test_a_stored_name_leading_outside_report_root_is_refused(patient):
    with pytest.raises(ValueError):
        reports.report_path(ScanReport(patient=patient, file_name="../outside.pdf"))


def test_a_report_on_a_scan_goes_on_the_timeline_and_one_without_a_scan_does_not(patient):
    scan = _scan(patient)
    stored_report(patient, by=patient.user)
    assert not RecordEvent.objects.exists()
    report = stored_report(patient, by=patient.user, scan=scan)
    event = RecordEvent.objects.get()
    assert (event.kind, event.actor) == ("report_attached", patient.user)
    assert event.summary == "A report was attached to the scan of 5 Mar 2024."
    assert event.details["report"] == report.pk


def test_attach_report_links_a_stored_report_to_the_scan_once(patient):
    scan = _scan(patient)
    report = stored_report(patient, by=patient.user)
    reports.attach_report(report, scan, by=patient.user)
    reports.attach_report(report, scan, by=patient.user)
    assert ScanReport.objects.get().scan == scan
    assert list(RecordEvent.objects.values_list("kind", flat=True)) == ["report_attached"]


def test_a_report_cannot_be_attached_to_another_patients_scan(patient):
    report = stored_report(patient, by=patient.user)
    with pytest.raises(ValueError):
        reports.attach_report(report, _scan(PatientFactory()), by=patient.user)
    with pytest.raises(ValueError):
        stored_report(patient, by=patient.user, scan=_scan(PatientFactory()))
    assert ScanReport.objects.get().scan is None


# Deleting.


def test_delete_report_removes_the_row_and_after_commit_the_file(patient, django_capture_on_commit_callbacks):
    report = stored_report(patient, by=patient.user, scan=_scan(patient))
    path = reports.report_path(report)
    with django_capture_on_commit_callbacks(execute=True):
        reports.delete_report(report, by=patient.user)
    assert not ScanReport.objects.exists() and not path.exists()
    assert RecordEvent.objects.filter(kind="report_removed", summary="The report of the scan of 5 Mar 2024 was removed.").exists()


def test_a_deletion_rolled_back_keeps_the_file(patient, django_capture_on_commit_callbacks):
    report = stored_report(patient, by=patient.user, scan=_scan(patient))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        reports.delete_report(report, by=patient.user)
        raise RuntimeError("rolled back")
    assert callbacks == [] and reports.report_path(report).is_file() and ScanReport.objects.exists()


def test_deleting_a_scan_deletes_its_report_files_and_no_others(patient, django_capture_on_commit_callbacks):
    scan, other_scan = _scan(patient), _scan(patient, dt.date(2025, 3, 5))
    gone = [stored_report(patient, by=patient.user, scan=scan) for _ in range(2)]
    kept = stored_report(patient, by=patient.user, scan=other_scan)
    with django_capture_on_commit_callbacks(execute=True):
        services.scan_delete(scan=scan)
    assert _files() == [reports.report_path(kept)]
    assert list(ScanReport.objects.all()) == [kept]
    assert not any(reports.report_path(report).exists() for report in gone)


def test_deleting_the_account_deletes_every_report_file(patient, django_capture_on_commit_callbacks):
    other = PatientFactory()
    stored_report(patient, by=patient.user, scan=_scan(patient))
    stored_report(patient, by=patient.user)
    kept = stored_report(other, by=other.user)
    (settings.REPORT_ROOT / f"patient-{patient.pk}" / "stray.pdf.part").write_bytes(b"%PDF-")
    with django_capture_on_commit_callbacks(execute=True):
        delete_patient_account(patient=patient, by=patient.user)
    assert not (settings.REPORT_ROOT / f"patient-{patient.pk}").exists()
    assert _files() == [reports.report_path(kept)]


def _age(path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_purge_deletes_day_old_reports_never_attached_and_stray_files(patient):
    scan = _scan(patient)
    old_orphan = stored_report(patient, by=patient.user)
    attached = stored_report(patient, by=patient.user, scan=scan)
    ScanReport.objects.filter(pk__in=[old_orphan.pk, attached.pk]).update(uploaded_at=timezone.now() - dt.timedelta(hours=25))
    fresh_orphan = stored_report(patient, by=patient.user)
    folder = settings.REPORT_ROOT / f"patient-{patient.pk}"
    old_stray, fresh_stray = folder / "old.pdf", folder / "fresh.pdf.part"
    old_stray.write_bytes(b"x")
    fresh_stray.write_bytes(b"x")
    _age(old_stray, 2)
    _age(reports.report_path(attached), 2)

    assert reports.purge_orphan_reports(dt.timedelta(days=1)) == 2
    assert set(ScanReport.objects.all()) == {attached, fresh_orphan}
    assert _files() == sorted([reports.report_path(attached), reports.report_path(fresh_orphan), fresh_stray])
    assert reports.purge_orphan_reports(dt.timedelta(days=1)) == 0


# The form.


def test_the_form_asks_for_a_file_and_gives_the_type_check_message_next_to_the_field():
    missing = reports.ScanReportForm({}, {})
    assert missing.errors == {"file": [reports.NO_FILE]}
    wrong = reports.ScanReportForm({}, {"file": upload(EXE, "report.pdf")})
    assert wrong.errors == {"file": [reports.NOT_A_REPORT]}
    good = reports.ScanReportForm({}, {"file": pdf_upload("scan.jpg")})
    assert good.is_valid() and good.content_type == "application/pdf"
