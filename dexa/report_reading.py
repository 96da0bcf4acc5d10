"""Reading a DEXA report's values: start (store the file, queue the reading), run (in the worker), pre-fill the scan
form with what was read and where it was read from, and save the scan the patient confirmed with the report attached.

Nothing read from a report is saved as a scan by itself: `run_reading` only stores the values on the ReportReading;
they become a scan when the person presses Save on the pre-filled form (`confirm_reading`).
"""

import base64
import binascii
import datetime as dt
import logging
import re
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from bonetrack.core.enqueue import enqueue_on_commit

from . import reports, rules
from .models import Facility, ReadingStatus, ReportReading

logger = logging.getLogger("bonetrack.dexa.reading")

# The worker stops reading after this many seconds (a photo takes a few); Celery's own limits sit just above it.
READ_DEADLINE_SECONDS = 45

SITE_FIELDS = ("side", "bmd", "t_score", "z_score")
SCAN_FIELDS = ("scanned_on", "make", "model", "facility")
# The keys `dexa.reading.read_report` gives ("lumbar_spine.bmd", "scanned_on"), and nothing else, name a source.
# Every key a reading may give, in the order of the scan form's fields.
FORM_ORDER = (*SCAN_FIELDS, *(f"{site}.{field}" for site in rules.SITES for field in SITE_FIELDS))
SOURCE_KEY = re.compile(
    rf"^(?:{'|'.join(SCAN_FIELDS)}|(?:{'|'.join(rules.SITES)})\.(?:{'|'.join(SITE_FIELDS)}))$"
)


def start_reading(*, patient, uploaded_file, by) -> ReportReading:
    """Store the uploaded report (its type checked by content) and queue its reading; raises ValidationError."""
    from .tasks import read_report_task  # the task calls run_reading in this module

    with transaction.atomic():
        report = reports.store_report(patient=patient, uploaded_file=uploaded_file, by=by)
        reading = ReportReading.objects.create(report=report)
        enqueue_on_commit(read_report_task, reading.pk)
    return reading


def run_reading(reading_id: int) -> str | None:
    """Read the report of reading `reading_id` and store what was found (or why it could not be read).

    Idempotent: a finished reading is left as it is; one left running by a lost worker is read again.
    """
    from .reading import ReportUnreadable, read_report

    reading = ReportReading.objects.select_related("report").filter(pk=reading_id).first()
    if reading is None or reading.status in (ReadingStatus.DONE, ReadingStatus.FAILED):
        return None if reading is None else reading.status
    rows = ReportReading.objects.filter(pk=reading.pk)
    rows.update(status=ReadingStatus.RUNNING, progress=2, stage="Opening the report", started_at=timezone.now())
    shown = {"percent": 2}

    def on_progress(percent: int, stage: str) -> None:
        percent = max(shown["percent"], min(int(percent), 99))
        rows.update(progress=percent, stage=stage[:80])
        shown["percent"] = percent

    def failed(message: str) -> str:
        rows.update(status=ReadingStatus.FAILED, error=message[:300], stage="", finished_at=timezone.now())
        return ReadingStatus.FAILED

    try:
        data = reports.report_path(reading.report).read_bytes()
        result = read_report(
            data,
            reading.report.content_type,
            progress=on_progress,
            deadline=time.monotonic() + READ_DEADLINE_SECONDS,
        )
    except ReportUnreadable as error:
        return failed(str(error))
    except SoftTimeLimitExceeded:
        return failed("Reading the report took too long. Please type the values in instead.")
    except Exception:
        # The details go to the worker's log; the person is told plainly and can type the values in.
        logger.exception("Reading report %s failed", reading.report_id)
        return failed("The report could not be read. Please type the values in instead.")
    rows.update(status=ReadingStatus.DONE, progress=100, stage="", result=result, finished_at=timezone.now())
    return ReadingStatus.DONE


@dataclass(frozen=True)
class Source:
    """Where one pre-filled value was read: its page, the line as read, and whether to double-check it."""

    key: str
    page: int
    line: str
    low: bool
    # The picture of the line as a data: URI, under the first field read from that line only (one picture a line).
    image: str


def _form_name(key: str) -> str:
    """The scan form's field name for a reading key: "lumbar_spine.bmd" → "lumbar_spine-bmd"."""
    return key.replace(".", "-")


def prefill(reading: ReportReading, patient) -> tuple[dict, dict[str, dict], dict[str, Source]]:
    """The scan form's initial values, the site forms' initial values, and each pre-filled field's source by field name."""
    fields = (reading.result or {}).get("fields", {})
    scan_initial: dict = {}
    site_initial: dict[str, dict] = {}
    sources: dict[str, Source] = {}
    pictured: set[tuple[int, str]] = set()
    for key in FORM_ORDER:
        found = fields.get(key)
        if not isinstance(found, dict) or found.get("value") in (None, ""):
            continue
        value = str(found["value"])
        name = _form_name(key)
        if key == "scanned_on":
            try:
                scan_initial["scanned_on"] = dt.date.fromisoformat(value)
            except ValueError:
                continue
        elif key == "facility":
            facility = Facility.objects.find_for(patient, value)
            if facility is not None:
                scan_initial["facility"] = facility.pk
            else:
                scan_initial["new_facility"] = value
                name = "new_facility"
        elif key in ("make", "model"):
            scan_initial[key] = value
        else:
            site, field = key.split(".")
            site_initial.setdefault(site, {})[field] = value
        page, line = int(found.get("page") or 1), str(found.get("line") or "")[:200]
        image = "" if (page, line) in pictured else _png_data_uri(found.get("crop"))
        if image:
            pictured.add((page, line))
        sources[name] = Source(key=key, page=page, line=line, low=bool(found.get("low")), image=image)
    return scan_initial, site_initial, sources


def _png_data_uri(crop) -> str:
    """The picture of a line as a data: URI for an <img>, or "" when there is none or it is not a PNG."""
    if not isinstance(crop, str) or not crop:
        return ""
    try:
        data = base64.b64decode(crop, validate=True)
    except (binascii.Error, ValueError):
        return ""
    return f"data:image/png;base64,{crop}" if data.startswith(b"\x89PNG\r\n\x1a\n") else ""


def confirm_reading(*, reading: ReportReading, entry, user, source: str):
    """Save the scan the person checked and pressed Save on, with the report attached to it (one transaction)."""
    with transaction.atomic():
        scan = entry.save(user=user, source=source)
        reports.attach_report(reading.report, scan, by=user)
    return scan


def is_confirmed(reading: ReportReading) -> bool:
    """True once the values were saved as a scan (the report is then attached to it)."""
    return reading.report.scan_id is not None
