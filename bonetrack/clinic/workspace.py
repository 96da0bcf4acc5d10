"""Assembling the worklist and the timeline from every app's contributions (contracts: bonetrack/core/worklist.py).

The contributing modules are listed here, in display order: adding a column group or a kind of event means
writing the app's `worklist.py` or `timeline.py` and naming it below.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import chain

from django.db.models import F, Q, QuerySet
from django.template import Context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from bonetrack.audit import timeline as audit_timeline
from bonetrack.careteams.access import patients_visible_to
from bonetrack.clinic import timeline as clinic_timeline
from bonetrack.clinic import worklist as clinic_worklist
from bonetrack.core.worklist import TimelineEvent, WorklistColumn, WorklistFilter
from bonetrack.labs import timeline as labs_timeline
from bonetrack.progress import timeline as progress_timeline
from bonetrack.reminders import timeline as reminders_timeline
from bonetrack.risk import timeline as risk_timeline
from bonetrack.risk import worklist as risk_worklist
from bonetrack.treatment import timeline as treatment_timeline
from bonetrack.treatment import worklist as treatment_worklist
from dexa import timeline as dexa_timeline
from dexa import worklist as dexa_worklist
from exercise import timeline as exercise_timeline
from exercise import worklist as exercise_worklist
from nutrition import timeline as nutrition_timeline
from nutrition import worklist as nutrition_worklist

# Column groups and filters, in this order (each column also has its own `order` within the table).
WORKLIST_SOURCES = (clinic_worklist, treatment_worklist, dexa_worklist, risk_worklist, nutrition_worklist, exercise_worklist)
# Event sources; each that offers a `timeline_header` adds a section to the page header, in this order.
TIMELINE_SOURCES = (
    clinic_timeline,
    audit_timeline,
    treatment_timeline,
    reminders_timeline,
    labs_timeline,
    dexa_timeline,
    risk_timeline,
    nutrition_timeline,
    exercise_timeline,
    progress_timeline,
)

DEFAULT_SORT = "next_scan_due_on"


def worklist_columns() -> list[WorklistColumn]:
    """Every app's columns, in display order."""
    columns = [column for module in WORKLIST_SOURCES for column in getattr(module, "COLUMNS", ())]
    return sorted(columns, key=lambda column: column.order)


def worklist_filters() -> list[WorklistFilter]:
    return [f for module in WORKLIST_SOURCES for f in getattr(module, "FILTERS", ())]


@dataclass(frozen=True)
class WorklistQuery:
    """What the clinician asked for, already checked against the known columns and filters."""

    search: str = ""
    filters: tuple[str, ...] = ()
    sort: str = DEFAULT_SORT  # a column key, "-" in front for descending

    @classmethod
    def from_params(cls, params, columns: list[WorklistColumn], filters: list[WorklistFilter]) -> "WorklistQuery":
        sortable = {column.key for column in columns if column.sortable}
        sort = params.get("sort", "") or DEFAULT_SORT
        if sort.removeprefix("-") not in sortable:
            sort = DEFAULT_SORT if DEFAULT_SORT in sortable else ""
        known = {f.key for f in filters}
        chosen = tuple(key for key in dict.fromkeys(params.getlist("filter")) if key in known)
        return cls(search=params.get("q", "").strip()[:100], filters=chosen, sort=sort)


def _ordering(column: WorklistColumn, descending: bool) -> list:
    expression = column.sort or column.key
    if expression.startswith("-"):
        expression, descending = expression[1:], not descending
    field = F(expression)
    return [field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)]


def worklist_queryset(user, today: dt.date, query: WorklistQuery) -> QuerySet:
    """The visible patients with every app's annotations, searched, filtered and sorted: one SELECT when evaluated."""
    patients = patients_visible_to(user).select_related("user")
    for module in WORKLIST_SOURCES:
        annotate = getattr(module, "annotate", None)
        if annotate is not None:
            patients = annotate(patients, today)
    for term in query.search.split():
        patients = patients.filter(
            Q(user__first_name__icontains=term) | Q(user__last_name__icontains=term) | Q(user__email__icontains=term)
        )
    by_key = {f.key: f for f in worklist_filters()}
    for key in query.filters:
        patients = patients.filter(by_key[key].condition(today))
    ordering = []
    if query.sort:
        columns = {column.key: column for column in worklist_columns()}
        column = columns[query.sort.removeprefix("-")]
        ordering = _ordering(column, query.sort.startswith("-"))
        if column.key == "name":
            ordering.append(F("user__first_name").desc() if query.sort.startswith("-") else F("user__first_name").asc())
    return patients.order_by(*ordering, "user__last_name", "pk")


def prepare_rows(patients: list, today: dt.date) -> list:
    """Let each source set values on the rows of one page that SQL cannot give (a fixed number of queries for the
    whole page, never one per row)."""
    for module in WORKLIST_SOURCES:
        prepare = getattr(module, "prepare_rows", None)
        if prepare is not None:
            prepare(patients, today)
    return patients


def set_row_values(patient, today: dt.date) -> None:
    """Set the values of one row that are worked out from its annotations: the age and the days to the next scan."""
    patient.age = patient.age_on(today)
    patient.due_in_days = (patient.next_scan_due_on - today).days if patient.next_scan_due_on else None
    patient.overdue_days = max(0, -patient.due_in_days) if patient.due_in_days is not None else 0


def cell_renderer(columns: list[WorklistColumn]):
    """Render one cell as HTML: the column's template with only `patient` and `value`, or the escaped value.

    NOTE: templates are rendered directly with a small Context rather than through `{% include %}` in the page:
    with a dozen templated columns on 25 rows this halves the worklist's rendering time.
    """
    templates = {column.key: get_template(column.template).template for column in columns if column.template}

    def render(column: WorklistColumn, patient, value) -> str:
        template = templates.get(column.key)
        if template is not None:
            return mark_safe(template.render(Context({"patient": patient, "value": value}, autoescape=True)))  # noqa: S308
        return conditional_escape("—" if value is None or value == "" else value)

    return render


# The timeline ----------------------------------------------------------------------------------------


def timeline_kinds() -> dict[str, str]:
    """Every kind of event any app puts on the timeline, with its label."""
    kinds: dict[str, str] = {}
    for module in TIMELINE_SOURCES:
        kinds.update(getattr(module, "KINDS", {}))
    return kinds


def timeline_page(
    patient, *, kinds: set[str], before: dt.datetime | None, limit: int
) -> tuple[list[TimelineEvent], dt.datetime | None]:
    """One page of the merged feed, newest first, and the `before` of the next page (None at the end).

    Each source gives at most `limit + 1` events (one query per source). Events sharing the page's last moment
    stay together, since the next page asks for events strictly older than it; a source that is cut off at
    that moment is asked again for more (rare: only when many of its events share one timestamp).
    """
    sources = []
    for module in TIMELINE_SOURCES:
        wanted = kinds & set(getattr(module, "KINDS", {}))
        if wanted and hasattr(module, "timeline_events"):
            sources.append([module, wanted, limit + 1, None])
    for source in sources:
        module, wanted, requested, _ = source
        source[3] = module.timeline_events(patient, before=before, limit=requested, kinds=wanted)
    while True:
        merged = sorted(chain.from_iterable(source[3] for source in sources), key=lambda e: e.when, reverse=True)
        if len(merged) <= limit:
            return merged, None
        boundary = merged[limit - 1].when
        cut_at_boundary = [s for s in sources if len(s[3]) >= s[2] and s[3][-1].when == boundary]
        if not cut_at_boundary:
            break
        for source in cut_at_boundary:
            module, wanted, requested, _ = source
            source[2] = requested * 2
            source[3] = module.timeline_events(patient, before=before, limit=source[2], kinds=wanted)
    page, rest = merged[:limit], merged[limit:]
    while rest and rest[0].when == page[-1].when:
        page.append(rest.pop(0))
    more = bool(rest) or any(len(source[3]) >= source[2] for source in sources)
    return page, (page[-1].when if more else None)


def timeline_headers(request, patient) -> list[dict]:
    """The sections shown above the feed (the chart, the flags, the progress report): one per app that offers one."""
    headers = []
    for module in TIMELINE_SOURCES:
        header = getattr(module, "timeline_header", None)
        result = header(request, patient) if header is not None else None
        if result:
            headers.append(result)
    return headers
