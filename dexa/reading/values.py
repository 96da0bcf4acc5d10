"""Numbers and dates as the makes print them, normalised: decimal commas, Unicode minus signs, day/month order."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DASHES = "−–—‒"  # minus sign, en dash, em dash, figure dash: all read as "-"
BMD_RE = re.compile(r"^\d[.,]\d{3}$")
SCORE_RE = re.compile(r"^[-+]?\d{1,2}[.,]\d$")
# An OCR slip that is still one reading: a BMD without its decimal point, a score without its own ("-21").
BMD_UNDOTTED_RE = re.compile(r"^[01]\d{3}$")
SCORE_UNDOTTED_RE = re.compile(r"^[-+]\d{2}$")


@dataclass(frozen=True)
class Number:
    text: str  # normalised: "0.812", "-2.1"
    repaired: bool = False  # the printed text had to be mended (a dropped decimal point): show it as uncertain


def clean_number_text(text: str) -> str:
    text = text.strip().strip("(),;:")
    for dash in DASHES:
        text = text.replace(dash, "-")
    return re.sub(r"^([-+])\s+", r"\1", text)


def as_bmd(text: str) -> Number | None:
    text = clean_number_text(text)
    if BMD_RE.match(text):
        return Number(text.replace(",", "."))
    if BMD_UNDOTTED_RE.match(text):
        return Number(f"{text[0]}.{text[1:]}", repaired=True)
    return None


def as_score(text: str) -> Number | None:
    text = clean_number_text(text)
    if SCORE_RE.match(text):
        value = Decimal(text.replace(",", "."))
        return Number(f"{value:.1f}" if value else "0.0")
    if SCORE_UNDOTTED_RE.match(text):
        return Number(f"{text[0].replace('+', '')}{text[1]}.{text[2]}", repaired=True)
    return None


def decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


MONTHS = {
    name: number
    for number, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}
MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})\b")
ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})\s+{MONTH},?\s+(\d{{4}})\b", re.IGNORECASE)
MONTH_DAY_RE = re.compile(rf"\b{MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    day: dt.date
    ambiguous: bool  # day and month could be swapped, and nothing in the report tells which
    text: str = ""  # as printed


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def day_first_order(text: str) -> bool | None:
    """Whether the report's numeric dates put the day first: True/False when one of them shows it (a part over 12, or
    dots as separators), else None."""
    for match in NUMERIC_DATE_RE.finditer(text):
        first, separator, second = int(match[1]), match[2], int(match[3])
        if separator == "." or first > 12:
            return True
        if second > 12:
            return False
    return None


def parse_date(text: str, *, day_first: bool | None, european: bool) -> FoundDate | None:
    """The first date in `text`, in any of the formats the makes print. Day/month order: `day_first` (what the report's
    other dates show), else day first when the report writes decimal commas (`european`), flagged as ambiguous."""
    candidates = []
    if match := ISO_DATE_RE.search(text):
        found = _date(int(match[1]), int(match[2]), int(match[3]))
        candidates.append((match.start(), found and FoundDate(found, False, match[0])))
    if match := DAY_MONTH_RE.search(text):
        found = _date(int(match[3]), MONTHS[match[2].lower()[:3]], int(match[1]))
        candidates.append((match.start(), found and FoundDate(found, False, match[0])))
    if match := MONTH_DAY_RE.search(text):
        found = _date(int(match[3]), MONTHS[match[1].lower()[:3]], int(match[2]))
        candidates.append((match.start(), found and FoundDate(found, False, match[0])))
    if match := NUMERIC_DATE_RE.search(text):
        first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
        order = True if separator == "." else day_first
        ambiguous = order is None and first <= 12 and second <= 12 and first != second
        if order is None:
            order = first > 12 or (second <= 12 and european)
        day, month = (first, second) if order else (second, first)
        found = _date(year, month, day)
        candidates.append((match.start(), found and FoundDate(found, ambiguous, match[0])))
    candidates = [c for c in candidates if c[1]]
    return min(candidates, key=lambda c: c[0])[1] if candidates else None
