"""Writes to courses and doses. Each locks the patient's row first, so two requests cannot both pass the overlap
check and save clashing courses (SQLite serialises writers anyway; PostgreSQL needs the lock). Callers that keep
derived dates (the next scan date, R5) refresh them after the call."""

import datetime as dt

from django.db import transaction

from bonetrack.accounts.models import PatientProfile, User

from .models import Course, Dose


def _lock_patient(patient_id: int) -> None:
    PatientProfile.objects.select_for_update().filter(pk=patient_id).values_list("pk", flat=True).get()


@transaction.atomic
def course_start(*, patient: PatientProfile, course: Course, by: User) -> Course:
    """Record a new course for the patient (an unsaved Course with its regimen and dates)."""
    _lock_patient(patient.pk)
    course.patient, course.created_by = patient, by
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_update(*, course: Course) -> Course:
    """Save a corrected course (changed in memory, e.g. by a form with commit=False)."""
    _lock_patient(course.patient_id)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_stop(*, course: Course, ended_on: dt.date, stop_reason: str) -> Course:
    """Stop a course on a day, with the reason."""
    _lock_patient(course.patient_id)
    course.ended_on, course.stop_reason = ended_on, stop_reason
    course.full_clean()
    course.save(update_fields=["ended_on", "stop_reason", "updated_at"])
    return course


@transaction.atomic
def course_delete(*, course: Course) -> None:
    """Remove a course entered by mistake, with its doses."""
    _lock_patient(course.patient_id)
    course.delete()


@transaction.atomic
def dose_record(*, course: Course, on: dt.date, status: str, by: User, site: str = "", lot: str = "") -> Dose:
    """Record a dose of the course: taken, given at the clinic, or missed."""
    _lock_patient(course.patient_id)
    dose = Dose(course=course, on=on, status=status, site=site, lot=lot, recorded_by=by)
    dose.full_clean()
    dose.save()
    return dose


@transaction.atomic
def dose_delete(*, dose: Dose) -> None:
    """Remove a dose recorded by mistake."""
    dose.delete()
