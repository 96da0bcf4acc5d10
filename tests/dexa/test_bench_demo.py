import datetime as dt
import random

import pytest
from django.utils import timezone

from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts
from bonetrack.core.devdata.benchmarking import BenchContext
from dexa.devdata import bench, demo
from dexa.models import DexaScan, SiteMeasurement
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_bench_seed_and_pages(client):
    patients = [PatientFactory() for _ in range(3)]
    clinician = ClinicianFactory()
    for p in patients:
        MembershipFactory(patient=p, clinician=clinician)
    ctx = BenchContext(
        today=dt.date(2026, 1, 15), rng=random.Random(3), clinician=clinician, patient=patients[0], patients=patients
    )
    bench.seed(ctx)
    assert DexaScan.objects.filter(patient=patients[0]).count() == 20
    assert DexaScan.objects.filter(patient=patients[1]).count() == 2
    assert SiteMeasurement.objects.count() == 24 * 4
    heavy = DexaScan.objects.filter(patient=patients[0]).newest_first().first()
    assert heavy.category != "" and heavy.lowest_t_score is not None
    patients[0].refresh_from_db()
    assert patients[0].next_scan_due_rule
    for page in bench.pages(ctx):
        client.force_login(page.user)
        assert client.get(page.url).status_code == 200, page.name


def test_demo_is_idempotent_and_schedules_the_reminder():
    context = seed_demo_accounts()
    demo.seed(context)
    demo.seed(seed_demo_accounts())
    margaret, helen, robert = context.patients[0], context.patients[1], context.patients[2]
    assert DexaScan.objects.filter(patient=margaret).count() == 6
    assert DexaScan.objects.count() == 11
    scans = list(DexaScan.objects.filter(patient=margaret).chronological())
    assert (scans[-1].scanned_on - scans[0].scanned_on).days >= 365 * 8 - 2
    assert (scans[0].category, scans[-1].category, scans[-1].diagnosis) == ("osteoporosis", "osteopenia", "osteoporosis")
    assert {s.make for s in scans} == {"hologic"}
    margaret.refresh_from_db()
    assert timezone.localdate() < margaret.next_scan_due_on <= timezone.localdate() + dt.timedelta(days=30)
    assert {s.make for s in DexaScan.objects.filter(patient=robert)} == {"hologic", "ge_lunar"}
    assert DexaScan.objects.get(patient=helen).verified_at is None
    # Anna is the worklist's overdue patient: 2-year interval (T ≤ −2.0), last scanned 26 months ago.
    anna = context.patients[3]
    anna.refresh_from_db()
    overdue_days = (timezone.localdate() - anna.next_scan_due_on).days
    assert 45 <= overdue_days <= 75
