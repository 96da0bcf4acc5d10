"""`make bench`: the progress report of the heavy patient (10 years of scans, 5 years of daily logs), served from the
cache and built cold; and the report over her whole history, to show that its query count does not grow with the span."""

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage, BenchResult, is_transaction_control, time_calls
from dexa.history import load_history

from ..report import Window, build_report, windows_for

ORDER = 90
BUDGET = {"p50_ms": 60, "queries": 12}


def _url(ctx: BenchContext, window: Window | None = None) -> str:
    url = reverse("progress:report", kwargs={"patient_id": ctx.patient.pk})
    return f"{url}?window={window.key}" if window else url


def pages(ctx: BenchContext) -> list[BenchPage]:
    since = windows_for(load_history(ctx.patient), ctx.today)[-1]
    return [
        BenchPage("progress report (patient, latest pair, cached)", _url(ctx), ctx.patient.user, budget=BUDGET),
        BenchPage("progress report (clinician, latest scan → today, cached)", _url(ctx, since), ctx.clinician, budget=BUDGET),
    ]


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return sum(not is_transaction_control(query["sql"]) for query in captured.captured_queries)


def measure(ctx: BenchContext) -> list[BenchResult]:
    client = Client()
    client.force_login(ctx.patient.user)
    url = _url(ctx)

    def cold_page():
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    scans = load_history(ctx.patient).scans
    whole = Window(scans[0], None, ctx.today)  # the first scan to today: every log, dose and session of hers

    def whole_span():
        build_report(ctx.patient, whole)

    cold = time_calls("progress report page, cold cache (patient)", cold_page, budget=BUDGET)
    cold.queries = _queries(cold_page)
    span = time_calls(
        f"progress report built over {whole.days:,} days (no page)",
        whole_span,
        runs=10,
        budget={"queries": 5},
        note="the first scan to today: the same queries as any window",
    )
    span.queries = _queries(whole_span)
    return [cold, span]
