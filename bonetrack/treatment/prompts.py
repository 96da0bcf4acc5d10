"""The medication safety prompts of DOMAIN.md R11 and the oral bisphosphonate instructions of R16, as pure functions
of plain values (no database).

A prompt asks for an action, so it is shown while the action is still open: once a follow-on medicine has started,
the prompt asking for it goes away, even when it started later than it should have.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bonetrack.core.date_display import format_day
from bonetrack.core.dates import add_months

from .schedule import EVERY_6_MONTHS, add_intervals

ANTI_RESORPTIVE = "anti_resorptive"
ANABOLIC = "anabolic"
ORAL, IV, SC = "oral", "iv", "sc"

# The catalogue values the rules recognise.
DENOSUMAB = "denosumab"
ROMOSOZUMAB = "romosozumab"
BISPHOSPHONATE = "bisphosphonate"  # family
PTH_GROUP = "pth"  # lifetime group: teriparatide and abaloparatide

INFO, WARNING, HIGH = "info", "warning", "high"
LEVEL_ORDER = {HIGH: 0, WARNING: 1, INFO: 2}

# R11 and the treatment issue's numbers.
ROMOSOZUMAB_DOSES = 12
# 24 months of combined teriparatide/abaloparatide use, counted in days as two 365-day years: use is summed over
# courses as elapsed days from each start to its end (or today), so a single course started on 1 March 2021 reaches
# the limit on 1 March 2023.
PTH_LIFETIME_DAYS = 730
ANABOLIC_FOLLOW_ON_MONTHS = 3
DENOSUMAB_LATE_MONTHS = 1
DENOSUMAB_FOLLOW_ON_MONTHS = 6
BISPHOSPHONATE_REVIEW_YEARS = {ORAL: 5, IV: 3}

# Prompt codes.
ROMOSOZUMAB_COMPLETE = "romosozumab_complete"
ANABOLIC_FOLLOW_ON = "anabolic_follow_on"
ANABOLIC_NO_FOLLOW_ON = "anabolic_no_follow_on"
PTH_LIFETIME_REACHED = "pth_lifetime_reached"
PTH_LIFETIME_EXCEEDED = "pth_lifetime_exceeded"
DENOSUMAB_LATE = "denosumab_late"
DENOSUMAB_STOPPED = "denosumab_stopped"
DENOSUMAB_NO_FOLLOW_ON = "denosumab_no_follow_on"
BISPHOSPHONATE_REVIEW = "bisphosphonate_review"
PROMPT_CODES = (
    ROMOSOZUMAB_COMPLETE,
    ANABOLIC_FOLLOW_ON,
    ANABOLIC_NO_FOLLOW_ON,
    PTH_LIFETIME_REACHED,
    PTH_LIFETIME_EXCEEDED,
    DENOSUMAB_LATE,
    DENOSUMAB_STOPPED,
    DENOSUMAB_NO_FOLLOW_ON,
    BISPHOSPHONATE_REVIEW,
)

# R16: minutes to stay upright, and to wait before anything else, after an oral bisphosphonate.
UPRIGHT_MINUTES = {"alendronate": 30, "risedronate": 30, "ibandronate": 60}


@dataclass(frozen=True)
class CourseFacts:
    """One medication course, as the rules need it. `dose_dates` are the doses recorded taken or given."""

    drug_slug: str
    drug_name: str
    drug_class: str  # ANTI_RESORPTIVE or ANABOLIC
    family: str
    route: str  # ORAL, IV or SC: the course's route (ibandronate is given either way)
    schedule: str | None
    started_on: dt.date
    ended_on: dt.date | None
    dose_dates: tuple[dt.date, ...]
    lifetime_group: str = ""


@dataclass(frozen=True)
class Prompt:
    """A safety prompt about one course: plain words for the patient, precise ones for the care team.

    `course_drug` is the course's drug slug and `course_index` its position in the sequence the prompts came from.
    """

    code: str
    level: str  # INFO, WARNING or HIGH
    patient_text: str
    clinician_text: str
    course_drug: str
    course_index: int | None = None


def _day(day: dt.date) -> str:
    return format_day(day, long=True)


def _doses(course: CourseFacts, today: dt.date) -> list[dt.date]:
    return sorted(day for day in course.dose_dates if day <= today)


def _has_ended(course: CourseFacts, today: dt.date) -> bool:
    return course.ended_on is not None and course.ended_on <= today


def _is_current(course: CourseFacts, today: dt.date) -> bool:
    return course.started_on <= today and (course.ended_on is None or course.ended_on >= today)


def _followed(courses: Sequence[CourseFacts], index: int, *, since: dt.date, today: dt.date, classes: set[str]) -> bool:
    """Whether another course of one of `classes` has started by today and was still running on or after `since`."""
    return any(
        other_index != index
        and other.drug_class in classes
        and other.started_on <= today
        and (other.ended_on is None or other.ended_on >= since)
        for other_index, other in enumerate(courses)
    )


def pth_lifetime(courses: Sequence[CourseFacts], *, today: dt.date) -> tuple[int, dt.date | None]:
    """Combined teriparatide/abaloparatide use up to today, in days (overlaps counted once), and the day it reached
    PTH_LIFETIME_DAYS (None while below)."""
    spans = sorted(
        (course.started_on, min(course.ended_on or today, today))
        for course in courses
        if course.lifetime_group == PTH_GROUP and course.started_on <= today
    )
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    total, reached_on = 0, None
    for start, end in merged:
        days = (end - start).days
        if reached_on is None and total + days >= PTH_LIFETIME_DAYS:
            reached_on = start + dt.timedelta(days=PTH_LIFETIME_DAYS - total)
        total += days
    return total, reached_on


def _anabolic_prompt(courses, index, course, today, pth_reached_on) -> Prompt | None:
    """Any anabolic course ending (or romosozumab's 12th dose, or the PTH lifetime reached): the anti-resorptive that
    follows. Another anabolic course taking over hands the question on to that course."""
    doses = _doses(course, today)
    ends = []
    if _has_ended(course, today):
        ends.append((course.ended_on, "ended"))
    if course.drug_slug == ROMOSOZUMAB and len(doses) >= ROMOSOZUMAB_DOSES:
        ends.append((doses[ROMOSOZUMAB_DOSES - 1], "complete"))
    if (
        course.lifetime_group == PTH_GROUP
        and pth_reached_on is not None
        and course.started_on <= pth_reached_on <= min(course.ended_on or today, today)
    ):
        ends.append((pth_reached_on, "lifetime"))
    if not ends:
        return None
    ended_on, why = min(ends)
    if _followed(courses, index, since=ended_on, today=today, classes={ANTI_RESORPTIVE, ANABOLIC}):
        return None
    start_by = add_months(ended_on, ANABOLIC_FOLLOW_ON_MONTHS)
    name = course.drug_name
    patient_reason = {
        "ended": f"Your course of {name} has ended.",
        "complete": f"You have had all {ROMOSOZUMAB_DOSES} doses of {name}.",
        "lifetime": f"You have now had 2 years in total of {name} and medicines like it.",
    }[why]
    clinician_reason = {
        "ended": f"{name} ended on {ended_on.isoformat()}",
        "complete": f"{name} dose {ROMOSOZUMAB_DOSES} recorded on {ended_on.isoformat()}",
        "lifetime": f"{name}: 24 months of combined teriparatide/abaloparatide use reached on {ended_on.isoformat()}",
    }[why]
    if today <= start_by:
        return Prompt(
            code=ROMOSOZUMAB_COMPLETE if why == "complete" else ANABOLIC_FOLLOW_ON,
            level=INFO,
            patient_text=(
                f"{patient_reason} Talk with your clinician about the medicine that follows it, to keep the bone "
                f"you have gained. It should start by {_day(start_by)}."
            ),
            clinician_text=(
                f"{clinician_reason}: plan the follow-on anti-resorptive, to start within "
                f"{ANABOLIC_FOLLOW_ON_MONTHS} months (by {start_by.isoformat()}) (R11)."
            ),
            course_drug=course.drug_slug,
            course_index=index,
        )
    return Prompt(
        code=ANABOLIC_NO_FOLLOW_ON,
        level=WARNING,
        patient_text=(
            f"{patient_reason} No medicine to follow it has been recorded, and it should have started by "
            f"{_day(start_by)}. Please talk with your clinician soon, to keep the bone you have gained."
        ),
        clinician_text=(
            f"{clinician_reason} with no anti-resorptive started within {ANABOLIC_FOLLOW_ON_MONTHS} months "
            f"(by {start_by.isoformat()}): start the follow-on anti-resorptive (R11)."
        ),
        course_drug=course.drug_slug,
        course_index=index,
    )


def _pth_lifetime_prompt(courses, today, total_days, reached_on) -> Prompt | None:
    """Teriparatide and abaloparatide: 24 months of combined lifetime use reached, or exceeded, while one is taken."""
    current = [
        (course.started_on, index)
        for index, course in enumerate(courses)
        if course.lifetime_group == PTH_GROUP and _is_current(course, today)
    ]
    if reached_on is None or not current:
        return None
    index = max(current)[1]  # the latest-started of the courses being taken
    course = courses[index]
    names = " and ".join(sorted({c.drug_name for c in courses if c.lifetime_group == PTH_GROUP and c.started_on <= today}))
    if total_days == PTH_LIFETIME_DAYS:
        return Prompt(
            code=PTH_LIFETIME_REACHED,
            level=INFO,
            patient_text=(
                f"You have now had 2 years in total of {names}, the usual lifetime limit for these medicines. "
                "Talk with your clinician about what comes next."
            ),
            clinician_text=(
                f"Teriparatide + abaloparatide combined lifetime use has reached 24 months ({PTH_LIFETIME_DAYS} days) "
                "(R11); use beyond 2 years only if the patient stays at, or returns to, high risk."
            ),
            course_drug=course.drug_slug,
            course_index=index,
        )
    return Prompt(
        code=PTH_LIFETIME_EXCEEDED,
        level=WARNING,
        patient_text=(
            f"You have had more than 2 years in total of {names}, longer than these medicines are usually given "
            "in a lifetime. Please talk with your clinician about it."
        ),
        clinician_text=(
            f"Teriparatide + abaloparatide combined lifetime use is {total_days} days, beyond 24 months "
            f"({PTH_LIFETIME_DAYS} days) since {reached_on.isoformat()} (R11); continue only if the patient stays at, "
            "or returns to, high risk."
        ),
        course_drug=course.drug_slug,
        course_index=index,
    )


def _denosumab_late_prompt(index, course, today) -> Prompt | None:
    """Denosumab: the next dose is due 6 months after the last; high priority from one calendar month late."""
    doses = _doses(course, today)
    due = add_intervals(EVERY_6_MONTHS, doses[-1]) if doses else course.started_on
    late_from = add_months(due, DENOSUMAB_LATE_MONTHS)
    if today < late_from:
        return None
    last = f"last dose {doses[-1].isoformat()}" if doses else "no dose recorded"
    return Prompt(
        code=DENOSUMAB_LATE,
        level=HIGH,
        patient_text=(
            f"Your {course.drug_name} injection was due on {_day(due)} and has not been recorded. Please book it as "
            "soon as you can: bone can be lost quickly when a dose is late. If you have had it, record it here."
        ),
        clinician_text=(
            f"{course.drug_name} dose {(today - due).days} days late: {last}, due {due.isoformat()} (6 months after "
            f"the last dose), 1 month late since {late_from.isoformat()} (R11): risk of rebound bone loss and "
            "vertebral fractures."
        ),
        course_drug=course.drug_slug,
        course_index=index,
    )


def _denosumab_stopped_prompt(courses, index, course, today) -> Prompt | None:
    """Denosumab stopped: another anti-resorptive should start within 6 months of the last dose (ECTS)."""
    doses = _doses(course, today)
    last = doses[-1] if doses else course.started_on
    if _followed(courses, index, since=last, today=today, classes={ANTI_RESORPTIVE}):
        return None
    start_by = add_months(last, DENOSUMAB_FOLLOW_ON_MONTHS)
    clinician_facts = f"{course.drug_name} stopped on {course.ended_on.isoformat()}, last dose {last.isoformat()}"
    if today <= start_by:
        return Prompt(
            code=DENOSUMAB_STOPPED,
            level=INFO,
            patient_text=(
                f"You have stopped {course.drug_name}. Bone can be lost quickly after stopping it, so another bone "
                f"medicine should start by {_day(start_by)}, 6 months after your last injection. Please talk with "
                "your clinician about it."
            ),
            clinician_text=(
                f"{clinician_facts}: start a follow-on anti-resorptive within 6 months of the last dose "
                f"(by {start_by.isoformat()}) to prevent rebound vertebral fractures (R11)."
            ),
            course_drug=course.drug_slug,
            course_index=index,
        )
    return Prompt(
        code=DENOSUMAB_NO_FOLLOW_ON,
        level=WARNING,
        patient_text=(
            f"You stopped {course.drug_name} and no other bone medicine has been recorded since. Bone can be lost "
            "quickly after stopping it, and the bones of the spine can break. Please contact your clinician soon."
        ),
        clinician_text=(
            f"{clinician_facts}: no follow-on anti-resorptive started within 6 months of the last dose "
            f"(by {start_by.isoformat()}). Risk of rebound vertebral fractures (R11)."
        ),
        course_drug=course.drug_slug,
        course_index=index,
    )


def _bisphosphonate_run_start(courses: Sequence[CourseFacts], index: int) -> dt.date:
    """The start of the course's run of bisphosphonate courses by the same route.

    An earlier course runs on into a later one when the later starts no later than the earlier one's next dose would
    have been due after its end (a change of drug or schedule, not a break). Oral and IV courses are not summed:
    their review thresholds differ and no combined one is set.
    """
    course = courses[index]
    start = course.started_on
    while True:
        earlier = [
            other.started_on
            for other_index, other in enumerate(courses)
            if other_index != index
            and other.family == BISPHOSPHONATE
            and other.route == course.route
            and other.started_on < start
            and (other.ended_on is None or start <= _runs_on_until(other))
        ]
        if not earlier:
            return start
        start = min(earlier)


def _runs_on_until(course: CourseFacts) -> dt.date:
    if course.schedule is None:
        return course.ended_on + dt.timedelta(days=1)
    return add_intervals(course.schedule, course.ended_on)


def _bisphosphonate_prompt(courses, index, course, today) -> Prompt | None:
    """Bisphosphonates: review after 5 years of oral or 3 years of IV treatment, counted over the run of courses."""
    years = BISPHOSPHONATE_REVIEW_YEARS.get(course.route)
    if years is None:
        return None
    since = _bisphosphonate_run_start(courses, index)
    if today < add_months(since, 12 * years):
        return None
    kind = "oral" if course.route == ORAL else "IV"
    return Prompt(
        code=BISPHOSPHONATE_REVIEW,
        level=INFO,
        patient_text=(
            f"You have been on {course.drug_name} or a medicine like it for {years} years. Please review your "
            f"treatment with your clinician: after {years} years they check whether to carry on or take a break."
        ),
        clinician_text=(
            f"{course.drug_name}: {years} years of {kind} bisphosphonate treatment since {since.isoformat()}; review "
            "whether to continue (R11; reassess after 5 years oral or 3 years IV, ASBMR 2016)."
        ),
        course_drug=course.drug_slug,
        course_index=index,
    )


def course_prompts(courses: Sequence[CourseFacts], *, today: dt.date) -> list[Prompt]:
    """Every R11 prompt open today over a patient's courses, highest level first."""
    total_days, reached_on = pth_lifetime(courses, today=today)
    found = []
    for index, course in enumerate(courses):
        if course.started_on > today:
            continue
        if course.drug_class == ANABOLIC:
            found.append(_anabolic_prompt(courses, index, course, today, reached_on))
        if course.drug_slug == DENOSUMAB:
            if _has_ended(course, today):
                found.append(_denosumab_stopped_prompt(courses, index, course, today))
            else:
                found.append(_denosumab_late_prompt(index, course, today))
        if course.family == BISPHOSPHONATE and _is_current(course, today):
            found.append(_bisphosphonate_prompt(courses, index, course, today))
    found.append(_pth_lifetime_prompt(courses, today, total_days, reached_on))
    prompts = [prompt for prompt in found if prompt is not None]
    return sorted(prompts, key=lambda prompt: (LEVEL_ORDER[prompt.level], prompt.course_index, prompt.code))


def oral_bisphosphonate_instructions(drug_slug: str, *, route: str = ORAL) -> str | None:
    """R16: how to take an oral bisphosphonate (label instructions); None for any other drug or route."""
    minutes = UPRIGHT_MINUTES.get(drug_slug)
    if minutes is None or route != ORAL:
        return None
    return (
        "Take it first thing in the morning, on an empty stomach, with a full glass of plain water. Then stay upright "
        f"(sitting or standing) for at least {minutes} minutes, and wait those {minutes} minutes before any food, "
        "drink or other medicines, calcium supplements included."
    )
