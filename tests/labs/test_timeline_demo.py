import datetime as dt
import zoneinfo
from decimal import Decimal as D

import pytest
from django.urls import reverse

from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts
from bonetrack.labs import timeline
from bonetrack.labs.devdata import demo
from bonetrack.labs.models import LabResult
from tests.labs.factories import LabResultFactory

pytestmark = pytest.mark.django_db


def test_events_sit_at_local_midnight_with_the_interpretation(patient, django_assert_num_queries):
    patient.user.time_zone = "Australia/Sydney"
    patient.user.save()
    LabResultFactory(patient=patient, taken_on=dt.date(2021, 5, 1), entered_value=D("45"), entered_unit="nmol/L", notes="Winter")
    LabResultFactory(
        patient=patient,
        test="calcium",
        entered_value=D("2.6"),
        entered_unit="mmol/L",
        taken_on=dt.date(2023, 2, 1),
        range_low=D("8.82"),
        range_high=D("10.42"),
    )
    LabResultFactory(taken_on=dt.date(2024, 1, 1))  # someone else's
    zone = zoneinfo.ZoneInfo("Australia/Sydney")
    with django_assert_num_queries(1):
        events = timeline.timeline_events(patient, before=None, limit=10, kinds={"lab"})
    assert [(e.when, e.kind, e.title, e.badges) for e in events] == [
        (
            dt.datetime(2023, 2, 1, tzinfo=zone),
            "lab",
            "Serum calcium: 2.6 mmol/L (10.42 mg/dL)",
            (("Within range", "ok"), ("Lab range 8.82–10.42 mg/dL", "muted")),
        ),
        (dt.datetime(2021, 5, 1, tzinfo=zone), "lab", "25(OH)D (vitamin D): 45 nmol/L (18 ng/mL)", (("Deficient", "danger"),)),
    ]
    assert events[1].body == "Winter"
    assert events[0].url == reverse("labs:lab-list", kwargs={"patient_id": patient.pk})


def test_paging_by_date_and_limit(patient):
    for day in (dt.date(2022, 1, 1), dt.date(2022, 1, 2), dt.date(2022, 1, 3)):
        LabResultFactory(patient=patient, taken_on=day)
    first = timeline.timeline_events(patient, before=None, limit=2, kinds={"lab"})
    assert [e.when.date() for e in first] == [dt.date(2022, 1, 3), dt.date(2022, 1, 2)]
    older = timeline.timeline_events(patient, before=first[-1].when, limit=2, kinds={"lab"})
    assert [e.when.date() for e in older] == [dt.date(2022, 1, 1)]
    later_that_day = first[-1].when + dt.timedelta(hours=5)
    assert len(timeline.timeline_events(patient, before=later_that_day, limit=5, kinds={"lab"})) == 2
    assert timeline.timeline_events(patient, before=None, limit=5, kinds={"fracture"}) == []


def test_labs_on_the_clinic_timeline(clinician_client, patient):
    LabResultFactory(patient=patient, taken_on=dt.date(2020, 1, 1), entered_value=D("25"))
    response = clinician_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    assert [event.title for event, _ in response.context_data["entries"]] == ["25(OH)D (vitamin D): 25 ng/mL"]
    assert b"Insufficient" in response.content
    assert "lab" in {choice["key"] for choice in response.context_data["kind_choices"]}


def test_demo_is_idempotent():
    context = seed_demo_accounts()
    demo.seed(context)
    demo.seed(seed_demo_accounts())
    results = list(LabResult.objects.filter(patient=context.patient).order_by("taken_on", "test"))
    assert LabResult.objects.count() == len(results) == 5
    vitamin_d = [r for r in results if r.test == "vitamin_d_25oh"]
    assert [r.interpretation.key for r in vitamin_d] == ["insufficient", "target", "target", "target"]
    assert (vitamin_d[-1].taken_on - vitamin_d[0].taken_on).days > 365 * 6
    (calcium,) = [r for r in results if r.test == "calcium"]
    assert (calcium.value, calcium.range_low, calcium.range_high) == (D("9.54"), D("8.82"), D("10.30"))
    assert calcium.interpretation.key == "normal"
    assert all(r.taken_on <= context.today for r in results)
