"""The contract between `make bench` and the apps' `<app>/bench.py` modules.

An app's bench module may define, all optional:

    ORDER = 20
    def seed(ctx: BenchContext) -> None: ...          # add this app's data for the large data set
    def pages(ctx: BenchContext) -> list[BenchPage]: ...  # requests to time (server-side p50/p95, queries per request)
    def measure(ctx: BenchContext) -> list[BenchResult]: ...  # anything that is not a page (e.g. a sweep over 100k patients)

Seeding runs once, in ORDER, after the accounts bench module has created the people.
"""

import datetime as dt
import random
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
