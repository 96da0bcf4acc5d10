"""Courses and doses: what the model refuses (dates, overlaps, statuses), what the database refuses, and the
queryset helpers the pages and R5 read."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bonetrack.treatment.catalogue import CATALOGUE, load_catalogue
from bonetrack.treatment.models import Course, Dose, Drug, Regimen, recent_since
from tests.factories import CourseFactory, DoseFactory, PatientFactory, catalogue_regimen

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _catalogue():
    """The catalogue as the data migration leaves it (a transactional test elsewhere may have flushed it)."""
    catalogue_regimen("unspecified")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def regimen(slug: str) -> Regimen:
    return catalogue_regimen(slug)


def new_course(patient, slug="alendronate-70mg-weekly", **fields) -> Course:
    return Course(patient=patient, regimen=regimen(slug), **fields)


def errors(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# The catalogue ----------------------------------------------------------------------------------------------------


def test_the_catalogue_holds_every_drug_and_regimen_of_r16():
    assert set(Drug.objects.values_list("slug", flat=True)) == {drug.slug for drug in CATALOGUE}
    assert Regimen.objects.count() == 13  # two for alendronate, risedronate and ibandronate
    romosozumab = Drug.objects.get(slug="romosozumab")
    assert (romosozumab.drug_class, romosozumab.max_doses) == ("anabolic", 12)
    assert set(Drug.objects.filter(lifetime_group="pth").values_list("slug", flat=True)) == {"teriparatide", "abaloparatide"}
    alendronate = Drug.objects.get(slug="alendronate")
    assert (alendronate.review_after_years_oral, alendronate.review_after_years_iv) == (5, 3)
    clinic_given = set(Regimen.objects.filter(clinic_given=True).values_list("slug", flat=True))
    assert clinic_given == {
        "ibandronate-3mg-iv-3-monthly",
        "zoledronic-acid-5mg-iv-yearly",
        "denosumab-60mg-6-monthly",
        "romosozumab-210mg-monthly",
    }
    unspecified = regimen("unspecified")
    assert (unspecified.schedule, unspecified.drug.family, str(unspecified)) == (
        None,
        "unspecified",
        "Osteoporosis medication (unspecified)",
    )


def test_loading_again_adds_only_what_is_missing_and_keeps_admin_edits():
    Drug.objects.filter(slug="denosumab").update(name="Denosumab (Prolia)")
    Regimen.objects.filter(slug="raloxifene-60mg-daily").delete()
    assert load_catalogue() == (1, 22)
    assert Drug.objects.get(slug="denosumab").name == "Denosumab (Prolia)"
    assert regimen("raloxifene-60mg-daily").dose_label == "60 mg daily"
    assert load_catalogue() == (0, 23)


def test_oral_bisphosphonate_instructions_only_for_oral_bisphosphonates():
    assert "upright for 30 minutes" in regimen("alendronate-70mg-weekly").oral_bisphosphonate_instructions
    assert "calcium supplements included" in regimen("risedronate-150mg-monthly").oral_bisphosphonate_instructions
    assert "upright for 60 minutes" in regimen("ibandronate-150mg-monthly").oral_bisphosphonate_instructions
    for slug in ("ibandronate-3mg-iv-3-monthly", "raloxifene-60mg-daily", "denosumab-60mg-6-monthly", "unspecified"):
        assert regimen(slug).oral_bisphosphonate_instructions == ""


# Course dates -----------------------------------------------------------------------------------------------------


def test_a_course_cannot_start_before_birth_or_in_the_future(patient):
    assert errors(new_course(patient, started_on=patient.date_of_birth - dt.timedelta(days=1)))["started_on"] == [
        "The start can't be before the date of birth."
    ]
    assert errors(new_course(patient, started_on=TODAY + dt.timedelta(days=1)))["started_on"] == [
        "The start can't be in the future."
    ]
    new_course(patient, started_on=TODAY).full_clean()
    new_course(patient, started_on=patient.date_of_birth).full_clean()


def test_today_is_the_patients_local_day(patient):
    # 12:00 UTC on 15 June is already 16 June in Kiritimati (UTC+14).
    patient.user.time_zone = "Pacific/Kiritimati"
    new_course(patient, started_on=TODAY + dt.timedelta(days=1)).full_clean()


def test_a_course_ends_on_or_after_its_start_not_in_the_future_and_with_a_reason(patient):
    start = dt.date(2024, 1, 1)
    assert errors(new_course(patient, started_on=start, ended_on=start - dt.timedelta(days=1), stop_reason="cost"))[
        "ended_on"
    ] == ["The stop date can't be before the start."]
    assert errors(new_course(patient, started_on=start, ended_on=TODAY + dt.timedelta(days=1), stop_reason="cost"))[
        "ended_on"
    ] == ["The stop date can't be in the future."]
    assert errors(new_course(patient, started_on=start, ended_on=TODAY))["stop_reason"] == ["Say why the course stopped."]
    assert errors(new_course(patient, started_on=start, stop_reason="cost"))["stop_reason"] == [
        "A reason is only given with a stop date."
    ]
    new_course(patient, started_on=start, ended_on=start, stop_reason="side_effects").full_clean()


def test_the_database_refuses_an_end_before_the_start_and_a_reason_without_an_end(patient):
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(ended_on=dt.date(2023, 12, 31), stop_reason="cost")
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(stop_reason="cost")
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(ended_on=dt.date(2024, 2, 1))
    Course.objects.filter(pk=course.pk).update(ended_on=dt.date(2024, 2, 1), stop_reason="cost")


def test_a_course_cannot_move_past_its_recorded_doses(patient):
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    DoseFactory(course=course, on=dt.date(2024, 1, 8))
    DoseFactory(course=course, on=dt.date(2024, 3, 4))
    course.started_on = dt.date(2024, 1, 9)
    assert errors(course)["started_on"] == ["A dose is recorded on 8 Jan 2024: the start can't be after it."]
    course.started_on, course.ended_on, course.stop_reason = dt.date(2024, 1, 1), dt.date(2024, 3, 3), "cost"
    assert errors(course)["ended_on"] == ["A dose is recorded on 4 Mar 2024: the stop date can't be before it."]


# Overlaps ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2023, 6, 1), None),  # starts inside, open
        (dt.date(2020, 1, 1), dt.date(2022, 1, 2)),  # ends the day after the other starts
        (dt.date(2022, 3, 1), dt.date(2022, 4, 1)),  # inside
        (dt.date(2020, 1, 1), None),  # around it
    ],
)
def test_a_drug_has_one_course_at_a_time(patient, start, end):
    CourseFactory(patient=patient, started_on=dt.date(2022, 1, 1), ended_on=dt.date(2024, 1, 1), stop_reason="finished")
    # Another regimen of the same drug still overlaps.
    course = new_course(patient, "alendronate-10mg-daily", started_on=start, ended_on=end, stop_reason="cost" if end else "")
    assert errors(course)["started_on"] == [
        "This overlaps your Alendronate course from 1 Jan 2022 to 1 Jan 2024: a drug can only have one course at a time."
    ]


def test_courses_of_one_drug_may_follow_each_other_and_other_drugs_may_overlap(patient):
    CourseFactory(patient=patient, started_on=dt.date(2022, 1, 1), ended_on=dt.date(2024, 1, 1), stop_reason="finished")
    new_course(patient, "alendronate-10mg-daily", started_on=dt.date(2024, 1, 1)).full_clean()  # a change of dose that day
    new_course(patient, started_on=dt.date(2020, 1, 1), ended_on=dt.date(2022, 1, 1), stop_reason="cost").full_clean()
    new_course(patient, "denosumab-60mg-6-monthly", started_on=dt.date(2023, 1, 1)).full_clean()
    CourseFactory(patient=PatientFactory(), started_on=dt.date(2023, 1, 1))  # someone else's
    new_course(patient, started_on=dt.date(2024, 2, 1)).full_clean()


def test_an_open_course_clashes_with_a_later_one(patient):
    CourseFactory(patient=patient, started_on=dt.date(2022, 1, 1))
    message = errors(new_course(patient, started_on=dt.date(2025, 1, 1)))["started_on"][0]
    assert message.startswith("This overlaps your Alendronate course from 1 Jan 2022 (not stopped)")


def test_a_course_does_not_clash_with_itself(patient):
    course = CourseFactory(patient=patient, started_on=dt.date(2022, 1, 1))
    course.notes = "Sunday mornings"
    course.full_clean()


# Doses ------------------------------------------------------------------------------------------------------------


def test_a_dose_lies_within_its_course_and_not_in_the_future(patient):
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    assert errors(Dose(course=course, on=dt.date(2023, 12, 31), status="taken"))["on"] == [
        "The course started on 1 Jan 2024: the dose can't be before that."
    ]
    assert errors(Dose(course=course, on=TODAY + dt.timedelta(days=1), status="taken"))["on"] == [
        "The date can't be in the future."
    ]
    Dose(course=course, on=TODAY, status="taken").full_clean()
    course.ended_on, course.stop_reason = dt.date(2024, 6, 1), "finished"
    assert errors(Dose(course=course, on=dt.date(2024, 6, 2), status="taken"))["on"] == [
        "The course stopped on 1 Jun 2024: the dose can't be after that."
    ]


def test_one_dose_a_day_per_course(patient):
    dose = DoseFactory(course=CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1)), on=dt.date(2024, 1, 8))
    assert errors(Dose(course=dose.course, on=dose.on, status="missed"))["on"] == ["A dose is already recorded on 8 Jan 2024."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Dose.objects.create(course=dose.course, on=dose.on, status="missed")


def test_self_given_doses_are_taken_and_clinic_given_doses_given(patient):
    own = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    clinic = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2024, 1, 1))
    assert [value for value, _ in own.dose_status_choices] == ["taken", "missed"]
    assert [value for value, _ in clinic.dose_status_choices] == ["given", "missed"]
    assert errors(Dose(course=own, on=TODAY, status="given"))["status"] == [
        'Alendronate is self-given: choose "Taken" or "Missed".'
    ]
    assert errors(Dose(course=clinic, on=TODAY, status="taken"))["status"] == [
        'Denosumab is given at the clinic: choose "Given at the clinic" or "Missed".'
    ]
    Dose(course=clinic, on=TODAY, status="given", site="Left upper arm", lot="A123").full_clean()


# Querysets and adherence ------------------------------------------------------------------------------------------


def test_latest_change_is_the_latest_start_or_stop(patient, django_assert_num_queries):
    courses = Course.objects.for_patient(patient)
    assert courses.latest_change_on() is None
    assert courses.medication_state() == (False, None)
    CourseFactory(patient=patient, started_on=dt.date(2019, 1, 1), ended_on=dt.date(2023, 3, 1), stop_reason="finished")
    CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2022, 5, 1))
    assert courses.latest_change_on() == dt.date(2023, 3, 1)
    with django_assert_num_queries(1):
        assert courses.medication_state() == (True, dt.date(2023, 3, 1))
    Course.objects.filter(regimen__drug__slug="denosumab").update(ended_on=dt.date(2022, 6, 1), stop_reason="cost")
    assert courses.medication_state() == (False, dt.date(2023, 3, 1))
    assert Course.objects.for_patient(PatientFactory()).medication_state() == (False, None)


def test_current_and_newest_first(patient):
    old = CourseFactory(patient=patient, started_on=dt.date(2015, 1, 1), ended_on=dt.date(2016, 1, 1), stop_reason="cost")
    ended = CourseFactory(
        patient=patient,
        regimen_slug="romosozumab-210mg-monthly",
        started_on=dt.date(2022, 1, 1),
        ended_on=dt.date(2023, 1, 1),
        stop_reason="finished",
    )
    current = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2023, 2, 1))
    courses = Course.objects.for_patient(patient)
    assert list(courses.current()) == [current]
    assert list(courses.newest_first()) == [current, ended, old]


def test_taken_counts_and_adherence_of_a_weekly_course(patient):
    start = TODAY - dt.timedelta(weeks=20)  # 21 weekly doses up to today, 13 of them in the last 90 days
    course = CourseFactory(patient=patient, started_on=start)
    for week in range(21):
        if week % 4 != 1:  # 5 missed: weeks 1, 5, 9, 13, 17
            DoseFactory(course=course, on=start + dt.timedelta(weeks=week))
    DoseFactory(course=course, on=start + dt.timedelta(weeks=5), status="missed")  # a missed dose is not taken
    annotated = Course.objects.with_taken_counts(since=recent_since(TODAY)).with_dose_on(TODAY).get(pk=course.pk)
    assert (annotated.taken_total, annotated.taken_recent) == (16, 10)
    assert annotated.day_dose_status == "taken"
    so_far, recent = annotated.adherence_so_far(TODAY), annotated.adherence_recent(TODAY)
    assert (so_far.scheduled, so_far.taken, so_far.percent, so_far.adherent) == (21, 16, 76, False)
    assert (recent.scheduled, recent.taken, recent.percent, recent.adherent) == (13, 10, 77, False)
    assert recent_since(TODAY) == TODAY - dt.timedelta(days=89)


def test_dose_day_follows_the_schedule(patient):
    weekly = CourseFactory(patient=patient, started_on=dt.date(2025, 6, 1))
    assert weekly.is_dose_day(dt.date(2025, 6, 15)) and not weekly.is_dose_day(dt.date(2025, 6, 14))
    legacy = CourseFactory(patient=patient, regimen_slug="unspecified", started_on=dt.date(2025, 6, 1))
    assert not legacy.is_dose_day(dt.date(2025, 6, 1))
    romosozumab = CourseFactory(patient=patient, regimen_slug="romosozumab-210mg-monthly", started_on=dt.date(2024, 1, 10))
    assert romosozumab.is_dose_day(dt.date(2024, 12, 10))  # the 12th dose
    assert not romosozumab.is_dose_day(dt.date(2025, 1, 10))  # no 13th
