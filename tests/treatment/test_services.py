"""The writes to courses and doses: each validates in full and refuses what the model refuses; two clashing courses
started at the same moment are not both saved (the patient row is locked first)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from bonetrack.treatment import services
from bonetrack.treatment.models import Course, Dose
from tests.factories import CourseFactory, DoseFactory, catalogue_regimen

pytestmark = pytest.mark.django_db


def new_course(slug="alendronate-70mg-weekly", **fields) -> Course:
    return Course(regimen=catalogue_regimen(slug), **fields)


class TestCourseStart:
    def test_saves_the_course_for_the_patient_and_who_entered_it(self, patient, clinician):
        course = services.course_start(
            patient=patient, course=new_course(started_on=dt.date(2024, 1, 1), prescriber="Dr Lee"), by=clinician
        )
        course.refresh_from_db()
        assert (course.patient, course.created_by, course.prescriber, course.ended_on) == (patient, clinician, "Dr Lee", None)

    def test_refuses_an_overlap_and_saves_nothing(self, patient):
        CourseFactory(patient=patient, started_on=dt.date(2023, 1, 1))
        with pytest.raises(ValidationError, match="a drug can only have one course at a time"):
            services.course_start(patient=patient, course=new_course(started_on=dt.date(2024, 1, 1)), by=patient.user)
        assert Course.objects.for_patient(patient).count() == 1

    def test_arguments_are_keyword_only(self, patient):
        with pytest.raises(TypeError):
            services.course_start(patient, new_course(started_on=dt.date(2024, 1, 1)), patient.user)


class TestCourseUpdate:
    def test_saves_a_correction(self, patient):
        course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
        course.started_on, course.notes = dt.date(2023, 12, 1), "Started earlier"
        services.course_update(course=course)
        course.refresh_from_db()
        assert (course.started_on, course.notes) == (dt.date(2023, 12, 1), "Started earlier")

    def test_refuses_a_correction_into_an_overlap(self, patient):
        CourseFactory(patient=patient, started_on=dt.date(2020, 1, 1), ended_on=dt.date(2021, 1, 1), stop_reason="cost")
        course = CourseFactory(patient=patient, started_on=dt.date(2022, 1, 1))
        course.started_on = dt.date(2020, 6, 1)
        with pytest.raises(ValidationError):
            services.course_update(course=course)
        course.refresh_from_db()
        assert course.started_on == dt.date(2022, 1, 1)


class TestCourseStop:
    def test_stops_on_a_day_with_the_reason(self, patient):
        course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
        services.course_stop(course=course, ended_on=dt.date(2024, 6, 1), stop_reason="side_effects")
        course.refresh_from_db()
        assert (course.ended_on, course.stop_reason, course.is_current) == (dt.date(2024, 6, 1), "side_effects", False)

    def test_refuses_a_stop_before_the_start(self, patient):
        course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
        with pytest.raises(ValidationError, match="before the start"):
            services.course_stop(course=course, ended_on=dt.date(2023, 6, 1), stop_reason="cost")
        course.refresh_from_db()
        assert course.ended_on is None


class TestCourseDelete:
    def test_removes_the_course_and_its_doses(self, patient):
        dose = DoseFactory(course=CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1)))
        services.course_delete(course=dose.course)
        assert not Course.objects.exists() and not Dose.objects.exists()


class TestDoseRecord:
    def test_records_a_clinic_dose_with_site_and_lot(self, patient, clinician):
        course = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2024, 1, 1))
        dose = services.dose_record(
            course=course, on=dt.date(2024, 1, 1), status="given", by=clinician, site="Left arm", lot="L1"
        )
        dose.refresh_from_db()
        assert (dose.status, dose.site, dose.lot, dose.recorded_by) == ("given", "Left arm", "L1", clinician)

    def test_refuses_a_second_dose_on_the_same_day(self, patient):
        dose = DoseFactory(course=CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1)))
        with pytest.raises(ValidationError, match="already recorded"):
            services.dose_record(course=dose.course, on=dose.on, status="missed", by=patient.user)
        assert Dose.objects.count() == 1


class TestDoseDelete:
    def test_removes_the_dose(self, patient):
        dose = DoseFactory(course=CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1)))
        services.dose_delete(dose=dose)
        assert not Dose.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_clashing_courses_started_at_the_same_moment_save_once(patient):
    barrier = threading.Barrier(2)
    outcomes = []
    regimen = catalogue_regimen("alendronate-70mg-weekly")  # before the threads: each must only start a course

    def start(day):
        try:
            barrier.wait()
            services.course_start(patient=patient, course=Course(regimen=regimen, started_on=day), by=patient.user)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(day,)) for day in (dt.date(2024, 1, 1), dt.date(2024, 2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert Course.objects.for_patient(patient).count() == 1
