"""`make bench`: the visit summary of the heavy patient (10 years of scans, 5 years of daily logs) as a page, and as a
PDF drawn by WeasyPrint (timed apart: a few runs, since each takes a good part of a second); the full export ZIP of
the same patient (time in the task, and peak memory); and the whole worklist as CSV."""

import resource
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage, BenchResult, is_transaction_control, time_calls

from ..export import write_export
from ..jobs import run_export_job
from ..models import ExportJob, ExportStatus

ORDER = 95
PAGE_BUDGET = {"p50_ms": 60, "queries": 16}
PDF_BUDGET = {"p50_ms": 3000, "queries": 16}
# Queries: the job (3), one read per kind (13), the FHIR bundle (4), and a progress update per file written.
EXPORT_BUDGET = {"p50_ms": 15_000, "queries": 40}
WORKLIST_CSV_BUDGET = {"p50_ms": 3000, "queries": 12}


def _url(ctx: BenchContext, name: str) -> str:
    return reverse(f"portability:{name}", kwargs={"patient_id": ctx.patient.pk})


def pages(ctx: BenchContext) -> list[BenchPage]:
    return [
        BenchPage("visit summary (patient)", _url(ctx, "summary"), ctx.patient.user, budget=PAGE_BUDGET),
        BenchPage("visit summary (clinician, Letter)", _url(ctx, "summary") + "?paper=letter", ctx.clinician, budget=PAGE_BUDGET),
    ]


def measure(ctx: BenchContext) -> list[BenchResult]:
    client = Client()
    client.force_login(ctx.clinician)
    url = _url(ctx, "summary-pdf")

    def download():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.startswith(b"%PDF"), response.content[:20]

    result = time_calls("visit summary PDF (clinician, WeasyPrint)", download, runs=5, warmup=1, budget=PDF_BUDGET)
    with CaptureQueriesContext(connection) as captured:
        download()
    result.queries = sum(not is_transaction_control(query["sql"]) for query in captured.captured_queries)
    return [result, full_export(ctx), worklist_csv(ctx)]


def _queries(captured: CaptureQueriesContext) -> int:
    return sum(not is_transaction_control(query["sql"]) for query in captured.captured_queries)


def full_export(ctx: BenchContext) -> BenchResult:
    """The export task for the heavy patient, timed once as the worker runs it; then written again under tracemalloc
    for the peak of memory allocated while writing (the ZIP goes to disk row by row, so it stays flat)."""
    with tempfile.TemporaryDirectory() as root, override_settings(EXPORT_ROOT=Path(root)):
        job = ExportJob.objects.create(patient=ctx.patient, requested_by=ctx.clinician)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run_export_job(job.pk)
            ms = (time.perf_counter() - started) * 1000
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE, job.status
        with zipfile.ZipFile(job.path) as archive:
            rows = sum(sum(1 for _ in archive.open(name)) - 1 for name in archive.namelist() if name.endswith(".csv"))
        tracemalloc.start()
        write_export(ctx.patient, Path(root) / "again.zip")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return BenchResult(
        name="full export ZIP (heavy patient, task)",
        p50_ms=round(ms, 1),
        p95_ms=round(ms, 1),
        queries=_queries(captured),
        budget=EXPORT_BUDGET,
        note=(
            f"{rows:,} CSV rows, {job.size_bytes / 1e6:.1f} MB ZIP; peak memory allocated while writing "
            f"{peak / 1e6:.1f} MB (budget 200 MB; whole bench process, seeding included: {rss_mb:.0f} MB)"
        ),
    )


def worklist_csv(ctx: BenchContext) -> BenchResult:
    """The whole worklist (500 patients) as CSV, read to the end (the response is streamed)."""
    client = Client()
    client.force_login(ctx.clinician)
    url = reverse("clinic:worklist-csv")

    def download():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1

    result = time_calls("worklist CSV (clinician, every patient)", download, runs=5, warmup=1, budget=WORKLIST_CSV_BUDGET)
    with CaptureQueriesContext(connection) as captured:
        rows = download()
    result.queries = _queries(captured)
    result.note = f"{rows} patients"
    return result
