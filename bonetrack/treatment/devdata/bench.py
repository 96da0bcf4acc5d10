"""`make bench`: every patient is on a medication course with five years of doses; the medications page is timed."""

import datetime as dt

from django.urls import reverse

from bonetrack.core.dates import add_months
from bonetrack.core.devdata.benchmarking import BenchPage

from ..models import Course, Dose, DoseStatus, Regimen, StopReason

ORDER = 50
YEARS = 5
BATCH = 5000


def _weekly_doses(course: Course, start: dt.date, end: dt.date, rng, taken_share: float) -> list[Dose]:
    doses, day = [], start
    while day <= end:
        if rng.random() < taken_share:
            doses.append(Dose(course=course, on=day, status=DoseStatus.TAKEN))
        day += dt.timedelta(weeks=1)
    return doses


def _six_monthly_doses(course: Course, start: dt.date, end: dt.date) -> list[Dose]:
    doses, n = [], 0
    while (day := add_months(start, 6 * n)) <= end:
        doses.append(Dose(course=course, on=day, status=DoseStatus.GIVEN))
        n += 1
    return doses


def seed(ctx) -> None:
    weekly = Regimen.objects.get(slug="alendronate-70mg-weekly")
    six_monthly = Regimen.objects.get(slug="denosumab-60mg-6-monthly")
    start = ctx.today - dt.timedelta(days=YEARS * 365)
    yesterday = ctx.today - dt.timedelta(days=1)
    courses = []
    for index, patient in enumerate(ctx.patients):
        regimen = six_monthly if index % 5 == 0 else weekly
        courses.append(Course(patient=patient, regimen=regimen, started_on=start, created_by=ctx.clinician))
    # The heavy patient also has an earlier, finished course.
    courses.append(
        Course(
            patient=ctx.patient,
            regimen=weekly,
            started_on=start - dt.timedelta(days=3 * 365),
            ended_on=start - dt.timedelta(days=30),
            stop_reason=StopReason.FINISHED,
            created_by=ctx.clinician,
        )
    )
    courses = Course.objects.bulk_create(courses)
    doses: list[Dose] = []
    for course in courses:
        first, last = course.started_on, course.ended_on or yesterday
        if course.regimen_id == six_monthly.pk:
            doses += _six_monthly_doses(course, first, last)
        else:
            doses += _weekly_doses(course, first, last, ctx.rng, taken_share=0.85)
    Dose.objects.bulk_create(doses, batch_size=BATCH)
    ctx.extra["medication_doses"] = len(doses)


def pages(ctx) -> list[BenchPage]:
    url = reverse("medications:course-list", kwargs={"patient_id": ctx.patient.pk})
    return [
        BenchPage("medications (patient, 8 years of doses)", url, ctx.patient.user, budget={"queries": 10}),
        BenchPage("medications (clinician)", url, ctx.clinician, budget={"queries": 11}),
    ]
