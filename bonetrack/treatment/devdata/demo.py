"""Demo medication: Margaret's alendronate (about 85% of weekly doses taken), then 12 monthly romosozumab doses,
then denosumab every 6 months with one dose 5 weeks late, timed against her scans; Robert on yearly zoledronic
acid; Helen on denosumab whose latest dose is now 6 weeks late (the worklist's high-priority flag). Runs after the
scans (ORDER), then moves each patient's next scan date (R5 reads the courses). Idempotent:
nothing is added for a patient who already has courses."""

import datetime as dt

from bonetrack.core.dates import add_months
from dexa.services import refresh_next_scan_due

from ..catalogue import load_catalogue
from ..models import Course, Dose, DoseStatus, Regimen, StopReason
from ..schedule import expected_dose_dates

ORDER = 15  # after dexa (10): the courses are placed around the scans
SKIP_EVERY = 7  # one weekly dose in seven missed: 6/7 ≈ 86% taken
LATE_DOSE = 2  # the third denosumab dose is given 5 weeks late
LATE_BY = dt.timedelta(weeks=5)


def _given_every(months: int, start: dt.date, until: dt.date, *, late: int | None = None) -> list[dt.date]:
    """Clinic-given doses: each one `months` after the one before (so a late dose moves the rest), up to `until`."""
    doses, day, index = [], start, 0
    while day <= until:
        doses.append(day)
        day = add_months(day, months) + (LATE_BY if index + 1 == late else dt.timedelta(0))
        index += 1
    return doses


def _margaret(patient, today: dt.date, by) -> list[tuple[Course, list[Dose]]]:
    first_scan = patient.dexa_scans.order_by("scanned_on").values_list("scanned_on", flat=True).first()
    if first_scan is None:
        return []
    regimens = Regimen.objects.in_bulk(
        ["alendronate-70mg-weekly", "romosozumab-210mg-monthly", "denosumab-60mg-6-monthly"], field_name="slug"
    )
    alendronate_start, alendronate_end = add_months(first_scan, 1), add_months(first_scan, 48)
    weekly = expected_dose_dates(
        schedule="weekly",
        started_on=alendronate_start,
        ended_on=alendronate_end,
        window_start=alendronate_start,
        window_end=alendronate_end,
    )
    romosozumab_start = add_months(alendronate_end, 1)
    monthly = [add_months(romosozumab_start, n) for n in range(12)]
    denosumab_start = add_months(monthly[-1], 1)
    six_monthly = _given_every(6, denosumab_start, today, late=LATE_DOSE)
    plan = [
        (
            Course(
                regimen=regimens["alendronate-70mg-weekly"],
                started_on=alendronate_start,
                ended_on=alendronate_end,
                stop_reason=StopReason.CLINICIAN_DECISION,
                prescriber="Dr Jane Doe",
                notes="Changed to romosozumab after a vertebral fracture risk review.",
            ),
            [(day, DoseStatus.TAKEN if n % SKIP_EVERY != 3 else DoseStatus.MISSED) for n, day in enumerate(weekly)],
        ),
        (
            Course(
                regimen=regimens["romosozumab-210mg-monthly"],
                started_on=romosozumab_start,
                ended_on=monthly[-1],
                stop_reason=StopReason.FINISHED,
                prescriber="Dr Jane Doe",
            ),
            [(day, DoseStatus.GIVEN) for day in monthly],
        ),
        (
            Course(regimen=regimens["denosumab-60mg-6-monthly"], started_on=denosumab_start, prescriber="Dr Jane Doe"),
            [(day, DoseStatus.GIVEN) for day in six_monthly],
        ),
    ]
    return [(course, [Dose(on=day, status=status, recorded_by=by) for day, status in doses]) for course, doses in plan]


def _robert(patient, today: dt.date, by) -> list[tuple[Course, list[Dose]]]:
    # Started between his scans of 6 and 4 years ago: on treatment before his previous scan (R5: 2 years). The
    # last yearly infusion was a month ago.
    start = add_months(today, -61)
    course = Course(regimen=Regimen.objects.get(slug="zoledronic-acid-5mg-iv-yearly"), started_on=start, prescriber="Dr Jane Doe")
    return [(course, [Dose(on=day, status=DoseStatus.GIVEN, recorded_by=by) for day in _given_every(12, start, today)])]


def _helen(patient, today: dt.date, by) -> list[tuple[Course, list[Dose]]]:
    # Every 6 months for a year and a half; the next dose was due 6 weeks ago and has not been given.
    last = add_months(today, -6) - dt.timedelta(weeks=6)
    start = add_months(last, -18)
    course = Course(regimen=Regimen.objects.get(slug="denosumab-60mg-6-monthly"), started_on=start, prescriber="Dr Jane Doe")
    return [(course, [Dose(on=day, status=DoseStatus.GIVEN, recorded_by=by) for day in _given_every(6, start, last)])]


def seed(demo) -> None:
    # The catalogue is reference data (`load_reference_data`); a database emptied since (as by a test) gets it back.
    load_catalogue()
    margaret, helen, robert = demo.patients[0], demo.patients[1], demo.patients[2]
    for patient, plan in ((margaret, _margaret), (helen, _helen), (robert, _robert)):
        if Course.objects.for_patient(patient).exists():
            continue
        courses = plan(patient, demo.today, demo.clinician)
        if not courses:
            continue
        for course, _ in courses:
            course.patient, course.created_by = patient, demo.clinician
        created = Course.objects.bulk_create([course for course, _ in courses])
        doses = []
        for course, (_, course_doses) in zip(created, courses, strict=True):
            for dose in course_doses:
                dose.course = course
            doses += course_doses
        Dose.objects.bulk_create(doses)
        refresh_next_scan_due(patient)
