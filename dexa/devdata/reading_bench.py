"""`make bench`: reading synthetic DEXA reports (dexa.reading) as the worker does, per report, with field accuracy.

Text PDFs and phone photos (tilted, blurred, unevenly lit JPEGs) of every layout, seeds apart from the tests' own.
Each report is read once after one untimed warm-up; making the corpus (WeasyPrint) is not timed.
"""

import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonetrack.core.devdata.benchmarking import BenchResult, is_transaction_control, percentile, time_calls

from ..models import ScanReport
from ..reading import corpus, read_report
from ..tasks import read_report_task

SEEDS = (21, 22)
TEXT_BUDGET = {"p95_ms": 1000}
UPLOAD_BUDGET = {"p95_ms": 100}
PHOTO_BUDGET = {"p95_ms": 10_000}


def _accuracy(result: dict, expected: dict[str, str]) -> tuple[int, int, int]:
    """(exact, total, wrong shown as certain) for one report; a field found that the report lacks counts as wrong."""
    fields = result["fields"]
    exact = sum(1 for key, value in expected.items() if fields.get(key, {}).get("value") == value)
    wrong = [key for key, field in fields.items() if expected.get(key) != field["value"]]
    return exact, len(expected), sum(1 for key in wrong if not fields[key]["low"])


def _measure(name: str, cases: list[tuple[bytes, str, dict]], budget: dict) -> BenchResult:
    read_report(*cases[0][:2])  # warm-up: imports, fonts, Tesseract's model from disk
    samples, exact, total, certain_wrong = [], 0, 0, 0
    for data, content_type, expected in cases:
        started = time.perf_counter()
        result = read_report(data, content_type)
        samples.append((time.perf_counter() - started) * 1000)
        counts = _accuracy(result, expected)
        exact, total, certain_wrong = exact + counts[0], total + counts[1], certain_wrong + counts[2]
    return BenchResult(
        name=name,
        p50_ms=round(percentile(samples, 0.5), 1),
        p95_ms=round(percentile(samples, 0.95), 1),
        runs=len(samples),
        budget=budget,
        note=f"fields exact {100 * exact / total:.1f} % ({exact}/{total}), wrong shown as certain: {certain_wrong}",
    )


def measure_reading(patient) -> list[BenchResult]:
    text_cases, photo_cases = [], []
    for layout in corpus.LAYOUTS:
        for seed in SEEDS:
            report = corpus.synthetic_report(seed, layout)
            pdf = corpus.report_pdf(report)
            text_cases.append((pdf, "application/pdf", report.expected_fields()))
            photo_cases.append((corpus.photo_of(pdf, seed=seed), "image/jpeg", report.expected_fields()))
    return [
        _measure("report reading: text PDF (per report)", text_cases, TEXT_BUDGET),
        _measure("report reading: phone photo, OCR (per report)", photo_cases, PHOTO_BUDGET),
        measure_upload(patient, photo_cases[0][0]),
    ]


def measure_upload(patient, photo: bytes) -> BenchResult:
    """The web request that starts a reading: check the photo's type, store it, queue the task (sending it to the broker
    is left out: the bench has no worker, and the broker's round trip is the same for every task)."""
    client = Client()
    client.force_login(patient.user)
    url = reverse("dexa:scan-read", kwargs={"patient_id": patient.pk})

    def upload():
        response = client.post(url, {"file": SimpleUploadedFile("photo.jpg", photo)})
        assert response.status_code == 302, response.status_code

    send = read_report_task.apply_async
    read_report_task.apply_async = lambda *args, **kwargs: None
    try:
        with tempfile.TemporaryDirectory() as root, override_settings(REPORT_ROOT=Path(root)):
            result = time_calls("report reading: upload request (photo)", upload, runs=20, warmup=2, budget=UPLOAD_BUDGET)
            with CaptureQueriesContext(connection) as captured:
                upload()
            ScanReport.objects.filter(patient=patient, scan__isnull=True).delete()  # their readings go with them
    finally:
        read_report_task.apply_async = send
    result.queries = sum(not is_transaction_control(query["sql"]) for query in captured.captured_queries)
    result.note = f"a {len(photo) / 1e6:.1f} MB photo; the reading itself runs in the worker"
    return result
