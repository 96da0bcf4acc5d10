"""The R11 prompts and the chart's course periods read from the database, for one patient or a page of patients, in a
single query: the courses with regimen and drug, and as subqueries each course's last dose, recent count and, for
the few drugs whose rules read them, its dose dates.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Aggregate, CharField, Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce

from . import prompts as rules
from . import schedule
from .models import TAKEN_STATUSES, Course, Dose, recent_since
from .schedule import Adherence

# Only these drugs' rules read individual dose dates (romosozumab's 12th dose, denosumab's last dose); the other rules
# read the course dates alone, so their doses (years of daily tablets) are never loaded in full.
DOSE_RULE_DRUGS = (rules.DENOSUMAB, rules.ROMOSOZUMAB)

# Short names of the prompts for the care team's worklist and timeline (the full wording is the clinician text).
PROMPT_TITLES = {
    rules.ROMOSOZUMAB_COMPLETE: "Romosozumab course complete: plan the follow-on",
    rules.ANABOLIC_FOLLOW_ON: "Anabolic course ended: plan the follow-on",
    rules.ANABOLIC_NO_FOLLOW_ON: "No anti-resorptive after the anabolic course",
    rules.PTH_LIFETIME_REACHED: "24 months of teriparatide/abaloparatide reached",
    rules.PTH_LIFETIME_EXCEEDED: "Beyond 24 months of teriparatide/abaloparatide",
    rules.DENOSUMAB_LATE: "Denosumab dose late",
    rules.DENOSUMAB_STOPPED: "Denosumab stopped: plan the follow-on",
    rules.DENOSUMAB_NO_FOLLOW_ON: "No anti-resorptive after denosumab",
    rules.BISPHOSPHONATE_REVIEW: "Bisphosphonate review due",
}
LEVEL_BADGES = {rules.HIGH: ("High priority", "danger"), rules.WARNING: ("Flagged", "warning"), rules.INFO: ("Prompt", "info")}


class DateList(Aggregate):
    """The dates of a group as one comma-separated text of ISO dates (GROUP_CONCAT; STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(Cast(expression, output_field=CharField()), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s, ',')")


def _dates(text: str | None) -> tuple[dt.date, ...]:
    return tuple(sorted(dt.date.fromisoformat(day) for day in text.split(","))) if text else ()


def _taken():
    return Dose.objects.filter(course=OuterRef("pk"), status__in=TAKEN_STATUSES).order_by()


def course_rows(patient_ids: Iterable[int], today: dt.date) -> list[Course]:
    """The patients' courses, oldest first, in one query, with `last_taken_on`, `taken_recent` (taken in the last 90
    days) and `taken_dates`: every dose taken, for the drugs whose rules read them or whose course has a set number of
    doses, else (). Each subquery reads an index range, never a course's whole history."""
    since = recent_since(today)
    reads_dates = Q(course__regimen__drug__slug__in=DOSE_RULE_DRUGS) | Q(course__regimen__drug__max_doses__isnull=False)
    courses = list(
        Course.objects.filter(patient_id__in=list(patient_ids))
        .select_related("regimen__drug")
        .annotate(
            last_taken_on=Subquery(_taken().order_by("-on").values("on")[:1]),
            taken_recent=Coalesce(
                Subquery(
                    _taken().filter(on__gte=since, on__lte=today).values("course").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            rule_dose_dates=Subquery(_taken().filter(reads_dates).values("course").annotate(days=DateList("on")).values("days")),
        )
        .order_by("patient_id", "started_on", "pk")
    )
    for course in courses:
        course.taken_dates = _dates(course.rule_dose_dates)
    return courses


def facts_of(course: Course, dose_dates: tuple[dt.date, ...]) -> rules.CourseFacts:
    drug, regimen = course.regimen.drug, course.regimen
    return rules.CourseFacts(
        drug_slug=drug.slug,
        drug_name=drug.name,
        drug_class=drug.drug_class,
        family=drug.family,
        route=regimen.route,
        schedule=regimen.schedule,
        started_on=course.started_on,
        ended_on=course.ended_on,
        dose_dates=dose_dates,
        lifetime_group=drug.lifetime_group,
    )


@dataclass(frozen=True)
class Treatment:
    """One patient's courses (oldest first), their facts, and the prompts open today."""

    courses: tuple[Course, ...]
    facts: tuple[rules.CourseFacts, ...]
    prompts: tuple[rules.Prompt, ...]
    today: dt.date

    def span_end(self, course: Course) -> dt.date:
        """Where the course's band on a chart ends: its stop date, or for a course going on the next dose due date
        when that is later than today (the last dose still covers the patient), otherwise today."""
        if course.ended_on is not None:
            return course.ended_on
        due = schedule.next_dose_due(
            schedule=course.regimen.schedule,
            started_on=course.started_on,
            last_dose_on=course.last_taken_on,
            ended_on=None,
            max_doses=course.drug.max_doses,
            doses_so_far=len(course.taken_dates),
        )
        return max(due, self.today) if due is not None else self.today

    def lowest_recent_adherence(self) -> Adherence | None:
        """R16 over the last 90 days: the current course kept least closely (None when nothing was scheduled)."""
        found = [
            course.adherence_over(window_start=recent_since(self.today), window_end=self.today, taken=course.taken_recent)
            for course in self.courses
            if course.is_current
        ]
        found = [adherence for adherence in found if adherence.percent is not None]
        return min(found, key=lambda adherence: adherence.percent, default=None)

    @property
    def highest_level(self) -> str | None:
        return self.prompts[0].level if self.prompts else None


def treatments_for(patient_ids: Iterable[int], today: dt.date) -> dict[int, Treatment]:
    """Each patient's Treatment, in one query for all of them."""
    patient_ids = list(patient_ids)
    by_patient: dict[int, list[Course]] = defaultdict(list)
    for course in course_rows(patient_ids, today):
        by_patient[course.patient_id].append(course)
    found = {}
    for patient_id in patient_ids:
        patient_courses = tuple(by_patient.get(patient_id, ()))
        facts = tuple(facts_of(course, course.taken_dates) for course in patient_courses)
        found[patient_id] = Treatment(
            courses=patient_courses, facts=facts, prompts=tuple(rules.course_prompts(facts, today=today)), today=today
        )
    return found


def treatment_of(patient, today: dt.date) -> Treatment:
    """The patient's Treatment, loaded once per patient object and day (the dashboard's panels share it)."""
    cached = getattr(patient, "_treatment", None)
    if cached is None or cached.today != today:
        cached = treatments_for([patient.pk], today)[patient.pk]
        patient._treatment = cached
    return cached
