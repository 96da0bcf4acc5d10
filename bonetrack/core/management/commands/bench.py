"""`make bench`: seed a large data set in a separate database, then time every app's pages and measurements.

The contract with the apps is in bonetrack/core/devdata/benchmarking.py. Requests go through Django's test Client
in this process (server-side time only: no network, no browser), with DEBUG off.
"""

import io
import json
import platform
import random
import time
import warnings
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bonetrack.core.devdata.benchmarking import BenchContext, BenchPage, BenchResult, is_transaction_control, percentile
from bonetrack.core.hooks import app_modules

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "bench" / "out" / "latest.json"


def use_bench_database() -> str:
    """Point the default connection at a fresh, empty database of the same engine; return its name.

    SQLite: var/bench.sqlite3. PostgreSQL (DATABASE_URL set): `<name>_bench` on the same server. The
    development database is never touched.
    """
    db = settings.DATABASES["default"]
    conn = connections["default"]
    conn.close()
    if conn.vendor == "sqlite":
        path = Path(settings.VAR_DIR) / "bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        name = str(path)
    elif conn.vendor == "postgresql":
        name = f"{db['NAME']}_bench"
        with conn._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {conn.ops.quote_name(name)}")
            cursor.execute(f"CREATE DATABASE {conn.ops.quote_name(name)}")
    else:
        raise CommandError(f"bench supports SQLite and PostgreSQL, not {conn.vendor}")
    db["NAME"] = name
    conn.settings_dict["NAME"] = name
    return name


class Command(BaseCommand):
    help = "Seed a large data set in a separate database and time each app's pages (p50/p95, queries per request)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
        parser.add_argument("--only", default="", help="time only pages whose name contains this text")
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where to write the JSON results")

    def handle(self, *args, runs: int, warmup: int, only: str, output: str, **options):
        if runs < 2:
            raise CommandError("--runs must be at least 2")
        # Time what production runs: no DEBUG (no query log, no template debugging), but the test Client's host.
        settings.DEBUG = False
        # WhiteNoise looks for collected files when DEBUG is off; finders serve them here instead.
        warnings.filterwarnings("ignore", message="No directory at")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

        name = use_bench_database()
        self.stdout.write(f"Database: {connection.vendor} {name} (fresh)")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_reference_data", stdout=io.StringIO())
        migrate_seconds = time.perf_counter() - started

        modules = app_modules("devdata.bench")
        ctx = BenchContext(today=timezone.localdate(), rng=random.Random(20260101))  # a fixed seed: the same data every run
        seed_seconds = {}
        for module in modules:
            if hasattr(module, "seed"):
                started = time.perf_counter()
                with transaction.atomic():
                    module.seed(ctx)
                seed_seconds[module.__name__] = round(time.perf_counter() - started, 2)
                self.stdout.write(f"  seeded {module.__name__} in {seed_seconds[module.__name__]:.1f}s")
        if ctx.patient is None:
            raise CommandError("no bench module created the people (bonetrack/accounts/devdata/bench.py)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a long-running database would have

        pages = [
            BenchPage("baseline: password change page", reverse("account_change_password"), ctx.patient.user),
        ]
        for module in modules:
            if hasattr(module, "pages"):
                pages.extend(module.pages(ctx))
        pages = [page for page in pages if only.lower() in page.name.lower()]

        results: list[BenchResult] = []
        clients: dict[int, Client] = {}
        for page in pages:
            result = self.time_page(page, clients, runs=runs, warmup=warmup)
            results.append(result)
            self.stdout.write(f"  {result.name}: p50 {result.p50_ms:.1f} ms, {result.queries:g} queries")
        for module in modules:
            if hasattr(module, "measure"):
                for result in module.measure(ctx):
                    if only.lower() in result.name.lower():
                        results.append(result)

        self.print_table(results)
        report = {
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "database": connection.vendor,
            "python": platform.python_version(),
            "patients": len(ctx.patients),
            "runs": runs,
            "warmup": warmup,
            "migrate_seconds": round(migrate_seconds, 2),
            "seed_seconds": seed_seconds,
            "results": [asdict(result) for result in results],
        }
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        self.stdout.write(f"Wrote {path}")
        failed = [result.name for result in results if result.note.startswith("HTTP")]
        if failed:
            raise CommandError(f"pages that did not answer 2xx/3xx: {failed}")

    def time_page(self, page: BenchPage, clients: dict, *, runs: int, warmup: int) -> BenchResult:
        client = clients.get(page.user.pk)
        if client is None:
            client = clients[page.user.pk] = Client()
            client.force_login(page.user)
        headers = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
        send = getattr(client, page.method)

        def request():
            return send(page.url, page.data or {}, **headers)

        for _ in range(warmup):
            request()
        samples, query_counts, status = [], [], 200
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = request()
                elapsed = (time.perf_counter() - started) * 1000
            samples.append(elapsed)
            query_counts.append(sum(1 for q in queries.captured_queries if not is_transaction_control(q["sql"])))
            status = max(status, response.status_code)
        return BenchResult(
            name=page.name,
            p50_ms=round(percentile(samples, 0.5), 2),
            p95_ms=round(percentile(samples, 0.95), 2),
            queries=round(sum(query_counts) / len(query_counts), 1),
            runs=runs,
            budget=page.budget,
            note=f"HTTP {status}" if status >= 400 else "",
        )

    def print_table(self, results: list[BenchResult]) -> None:
        def budget_text(result: BenchResult) -> str:
            parts = []
            for key, limit in result.budget.items():
                value = {"p50_ms": result.p50_ms, "p95_ms": result.p95_ms, "queries": result.queries}.get(key)
                over = value is not None and value > limit
                parts.append(f"{key}≤{limit}{' OVER' if over else ''}")
            return ", ".join(parts)

        rows = [
            (
                r.name,
                f"{r.p50_ms:.1f}",
                f"{r.p95_ms:.1f}",
                "" if r.queries is None else f"{r.queries:g}",
                str(r.runs),
                " ".join(filter(None, [budget_text(r), r.note])),
            )
            for r in results
        ]
        header = ("name", "p50 ms", "p95 ms", "queries", "runs", "budget / note")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def format_row(cells) -> str:
            # Names and notes read left to right; numbers line up on the right.
            return "  ".join(
                cell.ljust(width) if column in (0, 5) else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
            )

        self.stdout.write("")
        self.stdout.write(format_row(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(format_row(row))
        self.stdout.write(f"\n{len(results)} results; times are server-side (Django test Client, in this process).")
