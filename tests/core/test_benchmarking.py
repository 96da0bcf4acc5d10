"""The bench runner's pieces: percentiles, timing, and the people it seeds."""

import datetime as dt
import random

import pytest

from bonetrack.accounts.devdata import bench as accounts_bench
from bonetrack.careteams.access import patients_visible_to
from bonetrack.careteams.devdata import bench as careteams_bench
from bonetrack.core.devdata.benchmarking import BenchContext, percentile, time_calls


def test_percentile_interpolates_between_ranks():
    samples = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert percentile(samples, 0.5) == 3.0
    assert percentile(samples, 0.0) == 1.0
    assert percentile(samples, 1.0) == 5.0
    assert percentile(samples, 0.95) == pytest.approx(4.8)
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_time_calls_runs_warmup_then_the_timed_runs():
    calls = []
    result = time_calls("noop", lambda: calls.append(1), runs=7, warmup=2)
    assert len(calls) == 9
    assert (result.name, result.runs) == ("noop", 7)
    assert 0 <= result.p50_ms <= result.p95_ms


@pytest.mark.django_db
def test_accounts_bench_seeds_500_patients_on_one_clinicians_list():
    ctx = BenchContext(today=dt.date(2026, 11, 22), rng=random.Random(1))
    accounts_bench.seed(ctx)
    assert len(ctx.patients) == 500
    assert ctx.patient == ctx.patients[0]
    assert ctx.patient.fractures.count() == 3
    assert patients_visible_to(ctx.clinician).count() == 500
    assert not ctx.patient.user.has_usable_password()
    assert ctx.admin.role == "admin"
    names = [page.name for page in accounts_bench.pages(ctx) + careteams_bench.pages(ctx)]
    assert "dashboard (patient, heavy)" in names
    assert "patient list (clinician with 500 patients, page 1)" in names
