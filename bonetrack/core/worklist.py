"""Contracts for the clinician workspace, filled in by the apps that bonetrack/clinic/workspace.py lists.

A worklist source (`<app>/worklist.py`, in WORKLIST_SOURCES) may define:
    COLUMNS = [WorklistColumn("latest_category", "Category", order=20, template="dexa/_worklist_category.html")]
    FILTERS = [WorklistFilter("osteoporosis", "Osteoporosis", lambda today: Q(...))]
    def annotate(patients: QuerySet[PatientProfile], today: date) -> QuerySet[PatientProfile]:
        # add the columns' values as annotations (Subquery/aggregates): no query per patient
        ...
    def prepare_rows(patients: list[PatientProfile], today: date) -> None:
        # optional: set values SQL cannot give on the rows of the page shown, in a fixed number of queries
        ...

A timeline source (`<app>/timeline.py`, in TIMELINE_SOURCES) may define:
    KINDS = {"scan": "Scans"}
    def timeline_events(patient, *, before: datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
        # at most `limit` events strictly older than `before`, newest first, in a fixed number of queries
        ...
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class WorklistColumn:
    key: str  # the annotation (or attribute) on each patient row
    label: str
    order: int = 100
    sort: str | None = None  # annotation to order by; defaults to `key`; None-able via `sortable=False`
    sortable: bool = True
    template: str | None = None  # renders the cell with `patient` and `value`; default prints the value


@dataclass(frozen=True)
class WorklistFilter:
    key: str
    label: str
    condition: Callable[[dt.date], Q]


@dataclass(frozen=True)
class TimelineEvent:
    when: dt.datetime  # aware; for date-only facts use midnight in the patient's zone
    kind: str  # one of the module's KINDS keys
    title: str
    body: str = ""
    badges: tuple[tuple[str, str], ...] = ()  # (text, tone) with tone in ok|warning|danger|muted|info
    url: str = ""
    extra: dict = field(default_factory=dict)
