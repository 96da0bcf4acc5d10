"""CSV files that are safe to open in a spreadsheet: every CSV that BoneTrack writes goes through `writer`.

Text typed by people (a facility's name, a scanner model, a note) can start with a character that Excel,
LibreOffice or Google Sheets reads as the start of a formula, e.g. `=HYPERLINK(...)`. OWASP's advice ("CSV
Injection") is followed: such a cell gets a leading apostrophe, which spreadsheets show as plain text.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any

# Characters that make a spreadsheet read a cell as a formula (OWASP: = + - @, tab and carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text that is just a number ("-2.5", "+1.0") is read as that number, never run: it stays as it is.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def spreadsheet_safe(value: Any) -> Any:
    """The cell to write: text that would start a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer`, with every cell passed through `spreadsheet_safe`."""

    def __init__(self, stream, dialect: str | type[csv.Dialect] = "excel", **fmtparams):
        self._writer = csv.writer(stream, dialect, **fmtparams)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, dialect: str | type[csv.Dialect] = "excel", **fmtparams) -> SafeWriter:
    return SafeWriter(stream, dialect, **fmtparams)


class DictWriter(csv.DictWriter):
    """`csv.DictWriter`, with every cell (the header's too) passed through `spreadsheet_safe`."""

    def __init__(self, stream, fieldnames, restval="", extrasaction="raise", dialect="excel", **fmtparams):
        super().__init__(stream, fieldnames, restval, extrasaction, dialect, **fmtparams)
        self.writer = SafeWriter(stream, dialect, **fmtparams)
