"""The worklist as a CSV file: every patient matching the current search, filters and sort (not just one page).

Each column the page shows becomes a CSV column with the cell's plain value: dates as YYYY-MM-DD, numbers and text
as they are, and for the columns drawn by a template (badges, prompts, adherence) the words the cell shows. Cells go
through `bonetrack.core.csvexport`, which neutralises spreadsheet formulas.
"""

import datetime as dt
import html
import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils.html import strip_tags

from bonetrack.audit.models import AccessAction
from bonetrack.audit.recording import record_access_many
from bonetrack.core import csvexport
from bonetrack.core.worklist import WorklistColumn

from .workspace import WorklistQuery, cell_renderer, prepare_rows, set_row_values, worklist_columns, worklist_queryset

# Rows read, prepared and written at a time: a fixed number of queries per chunk, whatever the number of patients.
CHUNK_SIZE = 500
WHITESPACE = re.compile(r"\s+")


class _Line:
    """A file-like object whose `write` returns the line, for a streamed response (Django's documented pattern)."""

    def write(self, value: str) -> str:
        return value


def plain_text(rendered: str) -> str:
    """The words of a rendered cell, without markup; "—" (nothing recorded) becomes empty."""
    text = WHITESPACE.sub(" ", html.unescape(strip_tags(rendered))).strip()
    return "" if text == "—" else text


def plain_value(column: WorklistColumn, value, rendered: str):
    """The CSV cell of one worklist cell: the value itself when it is plain, else the words the page shows."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) and not column.template:
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    return plain_text(rendered)


def worklist_csv_lines(request, today: dt.date, query: WorklistQuery) -> Iterator[str]:
    """The header line, then one line per matching patient in the worklist's order; each chunk of patients is written
    to the access log (one INSERT) before its lines are sent."""
    columns = worklist_columns()
    render_cell = cell_renderer(columns)
    writer = csvexport.writer(_Line())
    yield writer.writerow([column.label for column in columns])
    patients = worklist_queryset(request.user, today, query)
    start = 0
    while True:
        chunk = prepare_rows(list(patients[start : start + CHUNK_SIZE]), today)
        if not chunk:
            return
        record_access_many(request, [p.pk for p in chunk], action=AccessAction.VIEW, summary="Worklist CSV")
        for patient in chunk:
            set_row_values(patient, today)
            cells = []
            for column in columns:
                value = getattr(patient, column.key, None)
                cells.append(plain_value(column, value, render_cell(column, patient, value)))
            yield writer.writerow(cells)
        if len(chunk) < CHUNK_SIZE:
            return
        start += CHUNK_SIZE
