"""The contract between `make bench` and the apps' `<app>/devdata/bench.py` modules.

An app's bench module may define, all optional:

    ORDER = 20
    def seed(ctx: BenchContext) -> None: ...          # add this app's data for the large data set
    def pages(ctx: BenchContext) -> list[BenchPage]: ...  # requests to time (server-side p50/p95, queries per request)
    def measure(ctx: BenchContext) -> list[BenchResult]: ...  # anything that is not a page (e.g. a sweep over 100k patients)

Seeding runs once, in ORDER, after the accounts bench module (ORDER 0) has created the people.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field


@dataclass
class BenchContext:
    today: dt.date
    rng: random.Random
    admin: object = None
    clinician: object = None  # has every patient in `patients` on their care team
    patient: object = None  # the heavy patient: 10 years of scans, 5 years of daily logs
    patients: list = field(default_factory=list)  # 500 patients, `patient` first
    extra: dict = field(default_factory=dict)  # anything an app wants to hand to a later one


@dataclass
class BenchPage:
    name: str
    url: str
    user: object
    method: str = "get"
    data: dict | None = None
    htmx: bool = False
    # Optional budget printed beside the result, e.g. {"p50_ms": 30, "queries": 12}.
    budget: dict = field(default_factory=dict)


@dataclass
class BenchResult:
    name: str
    p50_ms: float
    p95_ms: float
    queries: float | None = None
    runs: int = 1
    budget: dict = field(default_factory=dict)
    note: str = ""


def percentile(samples: list[float], fraction: float) -> float:
    """The `fraction` (0–1) percentile of `samples`, interpolating between the nearest ranks."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_calls(name: str, call, *, runs: int = 30, warmup: int = 3, budget: dict | None = None, note: str = "") -> BenchResult:
    """Run `call()` `warmup` times untimed, then `runs` times; p50/p95 in milliseconds (for `measure`)."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return BenchResult(
        name=name,
        p50_ms=round(percentile(samples, 0.5), 2),
        p95_ms=round(percentile(samples, 0.95), 2),
        runs=runs,
        budget=budget or {},
        note=note,
    )


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def is_transaction_control(sql: str) -> bool:
    """BEGIN/COMMIT/SAVEPOINT (from ATOMIC_REQUESTS, and the tests' wrapping): not counted against a query budget."""
    return sql.lstrip().upper().startswith(TRANSACTION_CONTROL)
