"""The worklist's treatment columns and filter (contract: bonetrack/core/worklist.py): adherence over the last 90 days,
the R11 prompt flags, and the late-denosumab filter (high priority).

Adherence and prompts follow the calendar rules of schedule.py and prompts.py, so they are worked out in Python for
the rows of the page only, from one query for all of them (`prepare_rows`); the filter is one SQL condition whose
cut-off dates are worked out here with the same arithmetic as the prompt.
"""

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q

from bonetrack.core.dates import add_months
from bonetrack.core.worklist import WorklistColumn, WorklistFilter

from . import prompts as rules
from .models import TAKEN_STATUSES, Course, Dose, Regimen
from .prompting import LEVEL_BADGES, PROMPT_TITLES, treatments_for
from .schedule import EVERY_6_MONTHS, add_intervals

COLUMNS = [
    WorklistColumn(
        "treatment_adherence", "Adherence (90 days)", order=81, sortable=False, template="treatment/cells/adherence.html"
    ),
    WorklistColumn("treatment_prompts", "Treatment alerts", order=82, sortable=False, template="treatment/cells/alerts.html"),
]


def _latest_day(late: Callable[[dt.date], bool], today: dt.date, guess: dt.date) -> dt.date:
    """The latest day `d` with `late(d)` true, for a `late` that holds up to some day and not after (monotone)."""
    day = guess
    while late(day + dt.timedelta(days=1)):
        day += dt.timedelta(days=1)
    while not late(day):
        day -= dt.timedelta(days=1)
    return day


def late_denosumab_cutoffs(today: dt.date) -> tuple[dt.date, dt.date]:
    """prompts.py: the next dose is due 6 months after the last (on the start with none), and is late one calendar
    month after that. Returns the latest last-dose day, and the latest start with no dose, that are late today."""
    months = rules.DENOSUMAB_LATE_MONTHS

    def late_after_dose(last: dt.date) -> bool:
        return add_months(add_intervals(EVERY_6_MONTHS, last), months) <= today

    def late_without_dose(start: dt.date) -> bool:
        return add_months(start, months) <= today

    last = _latest_day(late_after_dose, today, add_months(today, -6 - months))
    start = _latest_day(late_without_dose, today, add_months(today, -months))
    return last, start


def late_denosumab(today: dt.date) -> Q:
    """A denosumab course going on today whose next dose is at least a month late (R11: high priority).

    With `last` the latest day still late after a dose: late when no dose was taken after `last` (up to today) and
    either one was taken by `last` or, with none, the course started by `start`. Each test is an index range on the
    doses, and the regimens are picked once, so the condition stays cheap over every patient of the worklist.
    """
    last_cutoff, start_cutoff = late_denosumab_cutoffs(today)
    taken = Dose.objects.filter(course=OuterRef("pk"), status__in=TAKEN_STATUSES)
    late = (
        Course.objects.filter(
            patient=OuterRef("pk"),
            regimen__in=Regimen.objects.filter(drug__slug=rules.DENOSUMAB).values("pk"),
            started_on__lte=today,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .filter(~Exists(taken.filter(on__gt=last_cutoff, on__lte=today)))
        .filter(Q(started_on__lte=start_cutoff) | Exists(taken.filter(on__lte=last_cutoff)))
    )
    return Q(Exists(late))


FILTERS = [WorklistFilter("late_denosumab", "Late denosumab (high priority)", late_denosumab)]


def prepare_rows(patients: list, today: dt.date) -> None:
    """Set `treatment_adherence` and `treatment_prompts` on the page's rows, in one query for the whole page."""
    treatments = treatments_for([patient.pk for patient in patients], today)
    for patient in patients:
        treatment = treatments[patient.pk]
        patient.treatment_adherence = treatment.lowest_recent_adherence()
        patient.treatment_prompts = [
            {"title": PROMPT_TITLES[prompt.code], "text": prompt.clinician_text, "tone": LEVEL_BADGES[prompt.level][1]}
            for prompt in treatment.prompts
        ]
