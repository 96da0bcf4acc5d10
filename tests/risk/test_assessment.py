"""R14 read from the database: the loader's fixed query count, and the worklist's SQL conditions agreeing with the
Python rule on a fixture set that covers every reason on both sides of its boundary."""

import datetime as dt
from decimal import Decimal as D

import pytest

from bonetrack.accounts.models import PatientProfile
from bonetrack.risk import rules
from bonetrack.risk.assessment import (
    assess,
    assess_patients,
    treatment_threshold_condition,
    very_high_risk_condition,
)
from bonetrack.risk.models import FraxResult
from tests.dexa.factories import ScanFactory
from tests.factories import CourseFactory, FallFactory, FractureFactory, PatientFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)
DAY_INSIDE = dt.date(2025, 3, 16)  # 12 months minus a day before TODAY
TWELVE_MONTHS_AGO = dt.date(2025, 3, 15)


def scan(patient, category: str, t: str, day=dt.date(2025, 6, 1)):
    return ScanFactory(patient=patient, scanned_on=day, category=category, lowest_t_score=D(t))


def frax(patient, major: str, hip: str, day=dt.date(2026, 1, 10)):
    return FraxResult.objects.create(patient=patient, assessed_on=day, major_percent=D(major), hip_percent=D(hip))


def fixture_set() -> tuple[dict[str, PatientProfile], set[str], set[str]]:
    """Patients named after what they test, and the names expected very high risk and at the treatment threshold."""
    p = {}

    def new(name):
        p[name] = PatientFactory()
        return p[name]

    scan(new("nothing"), "normal", "-0.5")
    FractureFactory(patient=new("fracture 12 months minus a day"), occurred_on=DAY_INSIDE)
    FractureFactory(patient=new("fracture exactly 12 months"), occurred_on=TWELVE_MONTHS_AGO)
    FractureFactory(patient=new("recent non-fragility fracture"), occurred_on=DAY_INSIDE, fragility=False)
    CourseFactory(patient=new("fracture on an open course"), started_on=dt.date(2020, 1, 1))
    FractureFactory(patient=p["fracture on an open course"], occurred_on=dt.date(2021, 5, 1))
    CourseFactory(
        patient=new("fracture a day after the course"),
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 4, 30),
        stop_reason="finished",
    )
    FractureFactory(patient=p["fracture a day after the course"], occurred_on=dt.date(2021, 5, 1))
    CourseFactory(
        patient=new("fracture on the course's last day"),
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 5, 1),
        stop_reason="finished",
    )
    FractureFactory(patient=p["fracture on the course's last day"], occurred_on=dt.date(2021, 5, 1))
    CourseFactory(patient=new("fracture the day before the course"), started_on=dt.date(2021, 5, 2))
    FractureFactory(patient=p["fracture the day before the course"], occurred_on=dt.date(2021, 5, 1))
    FractureFactory(patient=new("two fragility fractures"), occurred_on=dt.date(2015, 1, 1))
    FractureFactory(patient=p["two fragility fractures"], occurred_on=dt.date(2018, 1, 1), site="hip")
    FractureFactory(patient=new("one fragility and one other"), occurred_on=dt.date(2015, 1, 1))
    FractureFactory(patient=p["one fragility and one other"], occurred_on=dt.date(2018, 1, 1), fragility=False)
    FractureFactory(patient=new("fracture on glucocorticoids"), occurred_on=dt.date(2016, 1, 1), on_glucocorticoids=True)
    FractureFactory(
        patient=new("trauma fracture on glucocorticoids"),
        occurred_on=dt.date(2016, 1, 1),
        on_glucocorticoids=True,
        fragility=False,
    )
    scan(new("T -3.1"), "osteoporosis", "-3.1")
    scan(new("T -3.0"), "osteoporosis", "-3.0")
    scan(new("T -3.5 on an older scan"), "osteoporosis", "-3.5", day=dt.date(2020, 1, 1))
    scan(p["T -3.5 on an older scan"], "osteopenia", "-2.0")
    scan(new("T -3.5 for a Z-score population"), "z_below", "-3.5")
    tie = new("same-day scans, the later row T -3.2")
    scan(tie, "osteopenia", "-2.0")
    scan(tie, "osteoporosis", "-3.2")
    frax(new("FRAX 30.0 and 4.5"), "30.0", "4.5")
    frax(new("FRAX major 30.1"), "30.1", "1.0")
    frax(new("FRAX hip 4.6"), "10.0", "4.6")
    frax(new("FRAX 40 on an older result"), "40.0", "8.0", day=dt.date(2024, 1, 1))
    frax(p["FRAX 40 on an older result"], "10.0", "1.0")
    FallFactory(patient=new("two falls, 12 months minus a day"), occurred_on=DAY_INSIDE)
    FallFactory(patient=p["two falls, 12 months minus a day"], occurred_on=dt.date(2026, 1, 1))
    FallFactory(patient=new("two falls, one exactly 12 months"), occurred_on=TWELVE_MONTHS_AGO)
    FallFactory(patient=p["two falls, one exactly 12 months"], occurred_on=dt.date(2026, 1, 1))
    FallFactory(patient=new("fall with injury"), occurred_on=DAY_INSIDE, injury=True)
    FallFactory(patient=new("fall with injury exactly 12 months"), occurred_on=TWELVE_MONTHS_AGO, injury=True, fracture=True)
    FallFactory(patient=new("one fall"), occurred_on=dt.date(2026, 1, 1))
    scan(new("osteopenia, hip 3.0"), "osteopenia", "-2.0")
    frax(p["osteopenia, hip 3.0"], "12.0", "3.0")
    scan(new("osteopenia, hip 2.9, major 19.9"), "osteopenia", "-2.0")
    frax(p["osteopenia, hip 2.9, major 19.9"], "19.9", "2.9")
    scan(new("osteopenia, major 20.0"), "osteopenia", "-2.0")
    frax(p["osteopenia, major 20.0"], "20.0", "1.0")
    scan(new("osteoporosis, major 25"), "osteoporosis", "-2.6")
    frax(p["osteoporosis, major 25"], "25.0", "2.0")
    scan(new("osteopenia, no FRAX"), "osteopenia", "-2.4")
    scan(new("osteopenia then normal, major 25"), "osteopenia", "-2.0", day=dt.date(2020, 1, 1))
    scan(p["osteopenia then normal, major 25"], "normal", "-0.8")
    frax(p["osteopenia then normal, major 25"], "25.0", "2.0")
    scan(new("osteopenia, major 31: both flags"), "osteopenia", "-2.2")
    frax(p["osteopenia, major 31: both flags"], "31.0", "2.0")
    very_high = {
        "fracture 12 months minus a day",
        "fracture on an open course",
        "fracture on the course's last day",
        "two fragility fractures",
        "fracture on glucocorticoids",
        "T -3.1",
        "same-day scans, the later row T -3.2",
        "FRAX major 30.1",
        "FRAX hip 4.6",
        "two falls, 12 months minus a day",
        "fall with injury",
        "osteopenia, major 31: both flags",
    }
    threshold = {"osteopenia, hip 3.0", "osteopenia, major 20.0", "osteopenia, major 31: both flags"}
    return p, very_high, threshold


def matching(condition) -> list[int]:
    return list(PatientProfile.objects.filter(condition).values_list("pk", flat=True))


def test_sql_conditions_agree_with_the_python_rule_on_every_reason_and_boundary():
    patients, very_high, threshold = fixture_set()
    names = {patient.pk: name for name, patient in patients.items()}
    assessments = assess_patients(PatientProfile.objects.values_list("pk", flat=True), TODAY)
    python_very_high = {names[pk] for pk, a in assessments.items() if a.very_high_risk}
    python_threshold = {names[pk] for pk, a in assessments.items() if a.meets_treatment_threshold}
    sql_very_high = {
        names[pk] for pk in PatientProfile.objects.filter(very_high_risk_condition(TODAY)).values_list("pk", flat=True)
    }
    sql_threshold = {
        names[pk] for pk in PatientProfile.objects.filter(treatment_threshold_condition(TODAY)).values_list("pk", flat=True)
    }
    assert python_very_high == very_high
    assert sql_very_high == very_high
    assert python_threshold == threshold
    assert sql_threshold == threshold


def test_the_loader_reads_every_reason_of_one_patient():
    patient = PatientFactory()
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    FractureFactory(patient=patient, site="wrist", occurred_on=dt.date(2026, 3, 2), on_glucocorticoids=True)
    FractureFactory(patient=patient, site="vertebral", occurred_on=dt.date(2019, 5, 1))
    FractureFactory(patient=patient, site="ankle", occurred_on=dt.date(2026, 1, 1), fragility=False)
    scan(patient, "osteoporosis", "-3.3")
    frax(patient, "33.0", "5.0")
    FallFactory(patient=patient, occurred_on=dt.date(2026, 2, 1), injury=True)
    FallFactory(patient=patient, occurred_on=dt.date(2020, 2, 1))
    assessment = assess(patient, TODAY)
    assert [r.code for r in assessment.very_high_risk_reasons] == [
        rules.RECENT_FRACTURE,
        rules.FRACTURE_ON_TREATMENT,
        rules.MULTIPLE_FRACTURES,
        rules.FRACTURE_ON_GLUCOCORTICOIDS,
        rules.VERY_LOW_T,
        rules.VERY_HIGH_FRAX,
        rules.FALLS,
    ]
    reasons = {r.code: r for r in assessment.very_high_risk_reasons}
    assert reasons[rules.FRACTURE_ON_TREATMENT].precise == (
        f"Fragility fracture on osteoporosis treatment: wrist (distal forearm) 2026-03-02 ({course.drug.name})"
    )
    assert reasons[rules.FALLS].precise == "High risk of falls: fall with injury within 12 months (2026-02-01)"
    assert [f.site for f in assessment.fractures] == ["vertebral", "wrist"]


def _fill(patient, n: int):
    for k in range(n):
        FractureFactory(patient=patient, occurred_on=dt.date(2010 + k, 1, 1))
        FallFactory(patient=patient, occurred_on=dt.date(2025, 4 + k % 8, 1), injury=bool(k % 2))
        scan(patient, "osteoporosis", "-2.7", day=dt.date(2010 + k, 6, 1))
        frax(patient, "22.0", "3.0", day=dt.date(2010 + k, 7, 1))
    CourseFactory(patient=patient, started_on=dt.date(2009, 1, 1))


@pytest.mark.parametrize("n", [0, 1, 6])
def test_one_patient_costs_one_query_whatever_the_record(django_assert_num_queries, n):
    patient = PatientFactory()
    _fill(patient, n)
    with django_assert_num_queries(1):
        first = assess(patient, TODAY)
    with django_assert_num_queries(0):
        assert assess(patient, TODAY) is first  # the panels of one page share it


@pytest.mark.parametrize("n", [2, 20])
def test_a_page_of_patients_costs_one_query(django_assert_num_queries, n):
    ids = [PatientFactory().pk for _ in range(n)]
    for patient_id in ids:
        _fill(PatientProfile.objects.get(pk=patient_id), 2)
    with django_assert_num_queries(1):
        assessments = assess_patients(ids, TODAY)
    assert len(assessments) == n
    assert all(a.very_high_risk and a.frax.major == D("22.0") for a in assessments.values())
