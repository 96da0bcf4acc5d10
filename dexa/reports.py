"""The scan report as a file: checking an upload by its content, storing it privately under REPORT_ROOT, attaching it
to a scan, and deleting the files with the report, the scan or the account.

The files are never served by the web server: downloads go through `dexa.report_views`, which checks access and
writes the access log. A file is written before its row exists, so a request that fails or rolls back can leave a
file no row points to; `purge_orphan_reports` deletes those along with reports never attached to a scan.
"""

import datetime as dt
import hashlib
import os
import secrets
import shutil
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.events import record_event

from .models import REPORT_MAX_BYTES, DexaScan, ScanReport

NOT_A_REPORT = "That file is not a PDF or a photo (JPEG, PNG or HEIC)."
TOO_LARGE = "That file is larger than 10 MB. Save the report as a smaller PDF or photo and try again."
EMPTY = "That file is empty. Choose the report file again."
NO_FILE = "Choose the report file (a PDF or a photo) to attach."
# Enough of the start of a file to tell its type: the ISO base media "ftyp" box of a HEIC photo lists its brands there.
HEAD_BYTES = 64
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/heic": ".heic"}
TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG photo", "image/png": "PNG image", "image/heic": "HEIC photo"}
HEIC_BRANDS = (b"heic", b"heix", b"mif1")
# An AVIF photo shares HEIC's container and may name the generic "mif1" brand first; its own brands give it away.
AVIF_BRANDS = (b"avif", b"avis")
CHUNK_BYTES = 64 * 1024


def sniff_content_type(head: bytes) -> str | None:
    """The report type that the first bytes of a file show (one of REPORT_CONTENT_TYPES), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        box_size = int.from_bytes(head[:4], "big")
        brands = [head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)]
        if head[8:12] == b"mif1" and any(brand in AVIF_BRANDS for brand in brands):
            return None
        return "image/heic"
    return None


def _read_head(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    return head


def validate_report_upload(uploaded_file) -> str:
    """The content type of an uploaded report, decided by its first bytes; ValidationError with a plain message if it
    is empty, larger than 10 MB or not a PDF or photo. The name and the browser's stated type are never trusted."""
    if uploaded_file.size > REPORT_MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    if uploaded_file.size == 0:
        raise ValidationError(EMPTY, code="empty")
    content_type = sniff_content_type(_read_head(uploaded_file))
    if content_type is None:
        raise ValidationError(NOT_A_REPORT, code="not_a_report")
    return content_type


def report_root() -> Path:
    """The private directory of the report files (never under static files or public media)."""
    return Path(settings.REPORT_ROOT)


def patient_folder(patient_id: int) -> str:
    """The folder of one patient's report files, relative to REPORT_ROOT."""
    return f"patient-{patient_id}"


def report_path(report: ScanReport) -> Path:
    """The report's file on disk; ValueError if the stored name would lead outside REPORT_ROOT."""
    root = report_root().resolve()
    path = (root / report.file_name).resolve()
    if not path.is_relative_to(root) or path == root:
        raise ValueError(f"Report {report.pk} names a file outside REPORT_ROOT.")
    return path


def _write_file(uploaded_file, path: Path) -> tuple[int, str]:
    """Write the upload to `path` all at once or not at all (a temporary file, then a rename); return size and sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("xb") as out:
            uploaded_file.seek(0)
            for chunk in uploaded_file.chunks(CHUNK_BYTES):
                size += len(chunk)
                if size > REPORT_MAX_BYTES:  # a size that was misreported: stop rather than fill the disk
                    raise ValidationError(TOO_LARGE, code="too_large")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def _on_commit_delete(paths: list[Path]) -> None:
    """Delete the files once the transaction that deleted their rows commits (a rollback keeps them)."""

    def delete() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    if paths:
        transaction.on_commit(delete)


def _scan_label(scan: DexaScan) -> str:
    return f"the scan of {scan.scanned_on.day} {scan.scanned_on:%b %Y}"


def shown_name(name: str | None) -> str:
    """The uploaded file's name without folders or control characters, to show (never to store the file under)."""
    cleaned = "".join(ch for ch in Path(name or "").name if ch.isprintable()).strip()
    return cleaned[:255] or "report"


def download_name(report: ScanReport) -> str:
    """The name a download is saved under: the uploaded name, with the extension of the type the content showed."""
    stem = Path(report.original_name).stem.strip() or "scan-report"
    return f"{stem}{EXTENSIONS[report.content_type]}"


def store_report(*, patient: PatientProfile, uploaded_file, by, scan: DexaScan | None = None) -> ScanReport:
    """Check and store an uploaded report for `patient` (attached to `scan` if given); ValidationError if refused.

    The file gets a random name in the patient's folder; if the row cannot be saved, the file is deleted again.
    """
    if scan is not None and scan.patient_id != patient.pk:
        raise ValueError("The scan belongs to another patient.")
    content_type = validate_report_upload(uploaded_file)
    file_name = f"{patient_folder(patient.pk)}/{secrets.token_hex(16)}{EXTENSIONS[content_type]}"
    path = report_root() / file_name
    size, sha256 = _write_file(uploaded_file, path)
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationError(EMPTY, code="empty")
    original_name = shown_name(uploaded_file.name)
    try:
        with transaction.atomic():
            report = ScanReport.objects.create(
                patient=patient,
                scan=scan,
                file_name=file_name,
                original_name=original_name,
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by=by,
            )
            if scan is not None:
                _record_attached(report, scan, by=by)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return report


def _record_attached(report: ScanReport, scan: DexaScan, *, by) -> None:
    record_event(
        report.patient,
        "report_attached",
        by=by,
        summary=f"A report was attached to {_scan_label(scan)}.",
        details={"scan": scan.pk, "report": report.pk, "file": report.original_name},
    )


@transaction.atomic
def attach_report(report: ScanReport, scan: DexaScan, *, by) -> ScanReport:
    """Attach a stored report (one uploaded to be read before its scan existed) to the patient's scan."""
    if scan.patient_id != report.patient_id:
        raise ValueError("The scan belongs to another patient.")
    if report.scan_id == scan.pk:
        return report
    report.scan = scan
    report.save(update_fields=["scan"])
    _record_attached(report, scan, by=by)
    return report


@transaction.atomic
def delete_report(report: ScanReport, *, by) -> None:
    """Delete the report's row and, once that commits, its file; the timeline says it was removed."""
    path = report_path(report)
    if report.scan_id is not None:
        record_event(
            report.patient,
            "report_removed",
            by=by,
            summary=f"The report of {_scan_label(report.scan)} was removed.",
            details={"scan": report.scan_id, "file": report.original_name},
        )
    report.delete()
    _on_commit_delete([path])


def erase_scan_reports(scans: DexaScan | QuerySet) -> None:
    """The report files of a scan (or of a queryset of scans), deleted once the scans' deletion commits (the rows go
    by CASCADE). Call it before deleting the scans."""
    match = Q(scan=scans) if isinstance(scans, DexaScan) else Q(scan__in=scans)
    _on_commit_delete([report_path(report) for report in ScanReport.objects.filter(match).only("file_name")])


def erase_patient_reports(patient: PatientProfile) -> None:
    """Every report file of `patient`, deleted once the account's deletion commits (the rows go by CASCADE)."""
    # The whole folder: also files no row pointed to (an upload whose request failed).
    folder = report_root() / patient_folder(patient.pk)
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


ORPHAN_LIFETIME = dt.timedelta(days=1)


def purge_orphan_reports(older_than: dt.timedelta = ORPHAN_LIFETIME, *, now: dt.datetime | None = None) -> int:
    """Delete reports never attached to a scan and uploaded more than `older_than` ago, with their files, and any
    file under REPORT_ROOT that no report points to and that is as old; return how many files were deleted.

    Idempotent: running it twice deletes nothing more the second time.
    """
    cutoff = (now or timezone.now()) - older_than
    orphans = list(ScanReport.objects.filter(scan__isnull=True, uploaded_at__lt=cutoff).only("file_name"))
    paths = [report_path(report) for report in orphans]
    ScanReport.objects.filter(pk__in=[report.pk for report in orphans]).delete()
    deleted = 0
    for path in paths:
        if path.is_file():
            path.unlink(missing_ok=True)
            deleted += 1
    root = report_root()
    if root.is_dir():
        kept = {root / name for name in ScanReport.objects.values_list("file_name", flat=True)}
        for path in root.glob("patient-*/*"):
            if path not in kept and path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


class ScanReportForm(forms.Form):
    """Attach the scan's report: a PDF or a photo, at most 10 MB, checked by its content."""

    file = forms.FileField(
        label="Report file (PDF or photo)",
        help_text="The report from the scanning centre: a PDF, or a photo (JPEG, PNG or HEIC), up to 10 MB.",
        error_messages={"required": NO_FILE, "empty": EMPTY, "invalid": NO_FILE, "missing": NO_FILE},
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/heic,.heic"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = validate_report_upload(upload)
        return upload
