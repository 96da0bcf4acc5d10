"""The demo data shows both flags on the demo clinician's worklist; the bench seeds and its pages answer."""

import datetime as dt
import random

import pytest
from django.urls import reverse

from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts
from bonetrack.core.devdata.benchmarking import BenchContext
from bonetrack.risk.devdata import bench, demo
from bonetrack.risk.models import FraxResult
from bonetrack.treatment.devdata import demo as treatment_demo
from dexa.devdata import demo as dexa_demo
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _risk_rows(client, key: str) -> dict[str, str]:
    response = client.get(reverse("clinic:worklist"), {"filter": key})
    return {
        row["patient"].user.first_name: next(c for c in row["cells"] if c["column"].key == "fracture_risk")["html"]
        for row in response.context["rows"]
    }


def test_the_demo_clinician_sees_very_high_risk_patients_with_reasons(client):
    context = seed_demo_accounts()
    dexa_demo.seed(context)
    treatment_demo.seed(context)
    demo.seed(context)
    demo.seed(context)  # idempotent
    assert FraxResult.objects.count() == 2
    client.force_login(context.clinician)
    very_high = _risk_rows(client, "very_high_risk")
    assert {"Margaret", "Helen"} <= set(very_high)
    assert "FRAX major 31.0 % &gt; 30 %, hip 5.1 % &gt; 4.5 %" in very_high["Margaret"]
    assert "High risk of falls" in very_high["Helen"]
    assert set(_risk_rows(client, "treatment_threshold")) == {"Margaret", "Robert"}


def test_bench_seeds_frax_and_falls_and_its_pages_answer(client):
    patients = [PatientFactory() for _ in range(5)]
    clinician = ClinicianFactory()
    for patient in patients:
        MembershipFactory(patient=patient, clinician=clinician)
    ctx = BenchContext(
        today=dt.date(2026, 3, 15), rng=random.Random(1), clinician=clinician, patient=patients[0], patients=patients
    )
    bench.seed(ctx)
    bench.seed(ctx)  # only once
    assert FraxResult.objects.filter(patient=patients[0]).count() == 10
    assert FraxResult.objects.filter(patient=patients[1]).count() == 2
    assert patients[0].falls.count() >= 20
    for page in bench.pages(ctx):
        client.force_login(page.user)
        assert client.get(page.url).status_code == 200, page.name
