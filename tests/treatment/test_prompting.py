"""The prompts and course periods read from the database: the same prompts as the pure rules over every dose, in a
fixed number of queries for one patient or a page of them."""

import datetime as dt

import pytest

from bonetrack.core.dates import add_months
from bonetrack.treatment import prompts
from bonetrack.treatment.models import Course
from bonetrack.treatment.prompting import facts_of, treatment_of, treatments_for
from tests.factories import CourseFactory, DoseFactory, PatientFactory

TODAY = dt.date(2025, 6, 15)
DENOSUMAB = "denosumab-60mg-6-monthly"
ROMOSOZUMAB = "romosozumab-210mg-monthly"


def _margaret(patient):
    """Alendronate 2017-2020, romosozumab 12 doses, then denosumab with the last dose 8 months ago (late)."""
    CourseFactory(patient=patient, started_on=dt.date(2017, 3, 1), ended_on=dt.date(2020, 3, 1), stop_reason="finished")
    romo = CourseFactory(
        patient=patient, regimen_slug=ROMOSOZUMAB, started_on=dt.date(2021, 1, 4), ended_on=dt.date(2021, 12, 6),
        stop_reason="finished",
    )  # fmt: skip
    for n in range(12):
        DoseFactory(course=romo, on=add_months(dt.date(2021, 1, 4), n))
    deno = CourseFactory(patient=patient, regimen_slug=DENOSUMAB, started_on=dt.date(2022, 1, 10))
    for day in (dt.date(2022, 1, 10), dt.date(2022, 7, 10), dt.date(2023, 2, 14), dt.date(2024, 10, 15)):
        DoseFactory(course=deno, on=day)
    return deno


def _all_facts(patient):
    """The rules' input built the slow, obvious way: every taken dose of every course."""
    courses = Course.objects.for_patient(patient).select_related("regimen__drug").order_by("started_on", "pk")
    return [
        facts_of(course, tuple(sorted(course.doses.filter(status__in=("taken", "given")).values_list("on", flat=True))))
        for course in courses
    ]


@pytest.mark.django_db
def test_prompts_from_the_database_match_the_rules_over_every_dose(django_assert_num_queries):
    patient = PatientFactory()
    _margaret(patient)
    expected = prompts.course_prompts(_all_facts(patient), today=TODAY)
    with django_assert_num_queries(1):
        found = treatments_for([patient.pk], TODAY)[patient.pk]
    assert found.prompts == tuple(expected)
    assert [p.code for p in found.prompts] == [prompts.DENOSUMAB_LATE]
    assert [c.drug.slug for c in found.courses] == ["alendronate", "romosozumab", "denosumab"]


@pytest.mark.django_db
def test_only_denosumab_and_romosozumab_doses_are_read(django_assert_num_queries):
    patient = PatientFactory()
    course = CourseFactory(patient=patient, regimen_slug="alendronate-10mg-daily", started_on=dt.date(2025, 1, 1))
    for n in range(30):
        DoseFactory(course=course, on=dt.date(2025, 1, 1) + dt.timedelta(days=n))
    with django_assert_num_queries(1):
        treatment = treatments_for([patient.pk], TODAY)[patient.pk]
    assert treatment.facts[0].dose_dates == treatment.courses[0].taken_dates == ()
    assert treatment.courses[0].last_taken_on == dt.date(2025, 1, 30)


@pytest.mark.django_db
def test_a_page_of_patients_costs_the_same_queries_as_one(django_assert_num_queries):
    patients = [PatientFactory() for _ in range(6)]
    for patient in patients:
        _margaret(patient)
    nobody = PatientFactory()
    with django_assert_num_queries(1):
        found = treatments_for([p.pk for p in [*patients, nobody]], TODAY)
    assert all(found[p.pk].highest_level == prompts.HIGH for p in patients)
    assert found[nobody.pk].prompts == () and found[nobody.pk].courses == ()
    assert found[nobody.pk].highest_level is None


@pytest.mark.django_db
def test_treatment_of_is_loaded_once_per_patient_and_day(django_assert_num_queries):
    patient = PatientFactory()
    CourseFactory(patient=patient)
    with django_assert_num_queries(1):
        first = treatment_of(patient, TODAY)
        assert treatment_of(patient, TODAY) is first
    with django_assert_num_queries(1):
        assert treatment_of(patient, TODAY + dt.timedelta(days=1)).today == TODAY + dt.timedelta(days=1)


@pytest.mark.django_db
def test_span_end_is_the_stop_the_next_due_date_or_today():
    patient = PatientFactory()
    stopped = CourseFactory(patient=patient, started_on=dt.date(2017, 3, 1), ended_on=dt.date(2020, 3, 1), stop_reason="cost")
    deno = CourseFactory(patient=patient, regimen_slug=DENOSUMAB, started_on=dt.date(2025, 3, 1))
    DoseFactory(course=deno, on=dt.date(2025, 3, 1))
    other = PatientFactory()
    no_dose = CourseFactory(patient=other, regimen_slug=DENOSUMAB, started_on=dt.date(2025, 3, 1))
    late = PatientFactory()
    late_course = CourseFactory(patient=late, regimen_slug=DENOSUMAB, started_on=dt.date(2024, 1, 1))
    DoseFactory(course=late_course, on=dt.date(2024, 1, 1))
    found = treatments_for([patient.pk, other.pk, late.pk], TODAY)
    spans = {course.pk: found[patient.pk].span_end(course) for course in found[patient.pk].courses}
    assert spans == {stopped.pk: dt.date(2020, 3, 1), deno.pk: dt.date(2025, 9, 1)}  # covered until the next dose
    assert found[other.pk].span_end(found[other.pk].courses[0]) == TODAY  # no dose yet: due on the start, so today
    assert found[late.pk].span_end(found[late.pk].courses[0]) == TODAY  # the due date passed: today
    assert no_dose.pk == found[other.pk].courses[0].pk


@pytest.mark.django_db
def test_a_romosozumab_course_with_every_dose_given_ends_its_band_today():
    patient = PatientFactory()
    romo = CourseFactory(patient=patient, regimen_slug=ROMOSOZUMAB, started_on=dt.date(2024, 6, 3))
    for n in range(11):
        DoseFactory(course=romo, on=add_months(dt.date(2024, 6, 3), n))
    treatment = treatment_of(patient, dt.date(2025, 4, 20))
    assert treatment.span_end(treatment.courses[0]) == dt.date(2025, 5, 3)  # dose 12 still due
    DoseFactory(course=romo, on=dt.date(2025, 5, 3))
    patient = type(patient).objects.get(pk=patient.pk)
    treatment = treatment_of(patient, dt.date(2025, 5, 10))
    assert len(treatment.courses[0].taken_dates) == 12
    assert treatment.span_end(treatment.courses[0]) == dt.date(2025, 5, 10)  # all 12 given: nothing more is due
    assert [p.code for p in treatment.prompts] == [prompts.ROMOSOZUMAB_COMPLETE]


@pytest.mark.django_db
def test_lowest_recent_adherence_is_the_current_course_kept_least():
    patient = PatientFactory()
    weekly = CourseFactory(patient=patient, started_on=TODAY - dt.timedelta(days=7 * 10))  # 11 weekly doses in the window
    for n in range(11):
        DoseFactory(course=weekly, on=weekly.started_on + dt.timedelta(days=7 * n))
    daily = CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=TODAY - dt.timedelta(days=9))
    for n in range(5):
        DoseFactory(course=daily, on=daily.started_on + dt.timedelta(days=n))
    CourseFactory(
        patient=patient, regimen_slug="teriparatide-20mcg-daily", started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2020, 2, 1), stop_reason="side_effects",
    )  # fmt: skip  # stopped, never taken: not current, so not counted
    adherence = treatments_for([patient.pk], TODAY)[patient.pk].lowest_recent_adherence()
    assert (adherence.taken, adherence.scheduled, adherence.percent, adherence.adherent) == (5, 10, 50, False)
    nobody = PatientFactory()
    assert treatments_for([nobody.pk], TODAY)[nobody.pk].lowest_recent_adherence() is None
