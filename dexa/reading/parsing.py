"""From a report's lines to its fields: scan date, make, model, facility, and per site BMD, T-score, Z-score and side.

Two shapes of report are understood. Region tables: a header row names the columns ("BMD", "T-score" or
"Young-Adult T-Score", "Z-score" or "Age-Matched Z-Score", percentages …) in any order, each value is put under
the header cell it sits beneath, and the row's label says the site, with the heading above it ("AP Spine",
"DualFemur", "Left Femur", "Right Forearm") for "Neck" and "Total". Labelled paragraphs: "Femoral neck (left): BMD
0,712 g/cm², T-score -2,3, Z-score -1,1".
"""

import re
from dataclasses import dataclass, field

from .. import rules
from . import plausibility
from .lines import Line
from .values import Number, as_bmd, as_score, day_first_order, decimal, parse_date

SIDED_SITES = (rules.TOTAL_HIP, rules.FEMORAL_NECK, rules.RADIUS_33)
SPINE_TOTAL_RE = re.compile(r"\b[l1i|]\s?1\s?-\s?[l1i|]?\s?4\b")
RADIUS_33_RE = re.compile(r"(1/3|33\s?%|one[- ]third)\s*radius|radius\s*(33\s?%|1/3)")
SIDE_RE = re.compile(r"\b(left|right)\b")
DATE_LABEL_RE = re.compile(r"(scan date|exam date|date of scan|date of exam|study date|measured|acquired|scanned|exam)\b[:\s]*")
MAKES = (
    ("ge_lunar", re.compile(r"\b(lunar|encore|prodigy|idxa|ge healthcare)\b")),
    ("hologic", re.compile(r"\b(hologic|horizon|discovery|qdr|apex)\b")),
)
MODEL_RE = re.compile(
    r"\b(horizon|discovery|qdr[- ]?\d{4}|prodigy|idxa|delphi|explorer)"
    r"(?:\s+(a|c|ci|w|wi|sl|advance|primo|pro)\b)?",
    re.IGNORECASE,
)
LABELLED_MODEL_RE = re.compile(r"\b(?:scanner|model|device|system)\s*:\s*(.+)$", re.IGNORECASE)
MAKE_WORDS_RE = re.compile(r"\b(ge healthcare|ge|hologic|lunar)\b\s*", re.IGNORECASE)
FACILITY_LABEL_RE = re.compile(r"^(?:facility|institution|clinic|centre|center|hospital|location)\s*:\s*(.+)$", re.IGNORECASE)
FACILITY_WORDS_RE = re.compile(
    r"\b(centre|center|clinic|hospital|imaging|radiology|diagnostics|medical|health|institute|infirmary|practice)\b",
    re.IGNORECASE,
)
SUMMARY_VALUE_RE = {
    "bmd": re.compile(r"\bbm[do0]\b\s*:?\s*(\d\s?[.,]\s?\d{3}|\d{4})"),
    "t_score": re.compile(r"\bt\s?-?\s?sc[o0]re\b\s*:?\s*([-+−–—]?\s?\d{1,2}\s?[.,]\s?\d|[-+−–—]\d{2})"),
    "z_score": re.compile(r"\bz\s?-?\s?sc[o0]re\b\s*:?\s*([-+−–—]?\s?\d{1,2}\s?[.,]\s?\d|[-+−–—]\d{2})"),
}
# Below this OCR confidence (0–1) a value is shown as uncertain.
LOW_CONFIDENCE = 0.80


@dataclass
class Field:
    value: str
    confidence: float
    line: Line
    low: bool = False


@dataclass
class Row:
    """One site's values as read from one row or paragraph."""

    site: str
    side: str
    line: Line
    values: dict[str, tuple[Number, float]] = field(default_factory=dict)  # bmd/t_score/z_score -> (number, confidence)
    side_line: Line | None = None  # where the side was printed: the row's own label, or the heading above it


def normalise(text: str) -> str:
    text = text.lower()
    for dash in "−–—‒":
        text = text.replace(dash, "-")
    return re.sub(r"\s+", " ", text).strip()


def site_of_label(label: str, region: str, side: str) -> tuple[str, str] | None:
    """The site and side a row label names, using the heading's region ("spine", "hip", "forearm") and side."""
    text = normalise(label)
    label_side = (match := SIDE_RE.search(text)) and match[1]
    bare = SIDE_RE.sub(" ", text).replace("(", " ").replace(")", " ").strip(" :,")
    bare = re.sub(r"\s+", " ", bare)
    side = label_side or side
    if SPINE_TOTAL_RE.search(bare) or bare.startswith("lumbar spine") or (bare == "total" and region == "spine"):
        return rules.LUMBAR_SPINE, ""
    if bare.startswith("femoral neck") or (bare == "neck" and region == "hip"):
        return rules.FEMORAL_NECK, side
    if bare.startswith("total hip") or (bare == "total" and region == "hip"):
        return rules.TOTAL_HIP, side
    if RADIUS_33_RE.search(bare) or (bare in ("1/3", "33%") and region == "forearm"):
        return rules.RADIUS_33, side
    return None


def heading_context(text: str, region: str, side: str) -> tuple[str, str]:
    """The region and side a heading line sets ("DXA Results Summary: Left Hip", "DualFemur", "Right")."""
    text = normalise(text)
    found_side = (match := SIDE_RE.search(text)) and match[1]
    if re.search(r"\b(spine|lumbar)\b", text):
        return "spine", ""
    if re.search(r"femur|\bhip\b", text):
        return "hip", found_side or ""
    if re.search(r"forearm|\bradius\b", text):
        return "forearm", found_side or ""
    if text.strip(" :") in ("left", "right"):
        return region, text.strip(" :")
    return region, side


def header_columns(line: Line) -> list[tuple[str, Line]] | None:
    """A table's header row as [(column, cell)], column in bmd/t_score/z_score/other; None when `line` is not one."""
    if re.search(r"\d[.,]\d", line.text):
        return None  # a row of values, or a paragraph naming "BMD" and "T-score" beside their values
    columns = []
    for cell in line.cells():
        text = normalise(cell.text)
        if re.search(r"\bt\s?-?\s?sc[o0]re", text):
            columns.append(("t_score", cell))
        elif re.search(r"\bz\s?-?\s?sc[o0]re", text):
            columns.append(("z_score", cell))
        elif re.search(r"\bbm[do0]\b", text):
            columns.append(("bmd", cell))
        else:
            columns.append(("other", cell))
    kinds = {kind for kind, _ in columns}
    return columns if {"bmd", "t_score"} <= kinds else None


def _column_for(cell: Line, columns: list[tuple[str, Line]]) -> str:
    """The header column a value cell sits under: the one its span overlaps most, else the nearest by centre."""
    x0, _, x1, _ = cell.box

    def overlap(header: Line) -> float:
        h0, _, h1, _ = header.box
        return min(x1, h1) - max(x0, h0)

    best_kind, best_header = max(columns, key=lambda column: overlap(column[1]))
    if overlap(best_header) > 0:
        return best_kind
    return min(columns, key=lambda column: abs(column[1].x_center - cell.x_center))[0]


def table_row(line: Line, columns, region: str, side: str, side_line: Line | None) -> Row | None:
    cells = line.cells()
    if len(cells) < 2:
        return None
    found = site_of_label(cells[0].text, region, side)
    if not found:
        return None
    row = Row(site=found[0], side=found[1], line=line)
    row.side_line = line if SIDE_RE.search(normalise(cells[0].text)) else side_line
    for cell in cells[1:]:
        kind = _column_for(cell, columns)
        if kind == "other" or kind in row.values:
            continue
        number = as_bmd(cell.text) if kind == "bmd" else as_score(cell.text)
        if number:
            row.values[kind] = (number, cell.confidence)
    return row if row.values else None


def paragraph_row(line: Line, region: str, side: str, side_line: Line | None) -> Row | None:
    text = normalise(line.text)
    if not SUMMARY_VALUE_RE["bmd"].search(text):
        return None
    found = site_of_label(text.split(":")[0], region, side) or site_of_label(text.split(" bm")[0], region, side)
    if not found:
        return None
    row = Row(site=found[0], side=found[1], line=line)
    row.side_line = line if SIDE_RE.search(text.split(" bm")[0]) else side_line
    for kind, pattern in SUMMARY_VALUE_RE.items():
        if match := pattern.search(text):
            printed = match[1].replace(" ", "")
            number = as_bmd(printed) if kind == "bmd" else as_score(printed)
            if number:
                row.values[kind] = (number, _confidence_of(line, printed))
    return row


def _confidence_of(line: Line, printed: str) -> float:
    """The OCR confidence of the word(s) in `line` that hold `printed`, else the line's lowest."""
    digits = re.sub(r"\D", "", printed)
    matching = [w.confidence for w in line.words if digits and digits in re.sub(r"\D", "", w.text)]
    return min(matching) if matching else line.confidence


def site_rows(lines: list[Line]) -> list[Row]:
    """Every row that names a site and holds at least one of its values, in reading order."""
    rows, columns, region, side, side_line, page = [], None, "", "", None, 0
    for line in lines:
        if line.page != page:
            columns, region, side, side_line, page = None, "", "", None, line.page
        if found := header_columns(line):
            columns = found
            continue
        row = paragraph_row(line, region, side, side_line)
        if row is None and columns:
            row = table_row(line, columns, region, side, side_line)
        if row:
            rows.append(row)
        elif not re.search(r"\d[.,]\d", line.text):
            region, side = heading_context(line.text, region, side)
            if not side:
                side_line = None
            elif SIDE_RE.search(normalise(line.text)):
                side_line = line
    return rows


def _side_confidence(line: Line) -> float:
    """The OCR confidence of the word saying "left" or "right" in `line`."""
    found = [w.confidence for w in line.words if SIDE_RE.search(normalise(w.text))]
    return min(found) if found else line.confidence


def _value_field(row: Row, kind: str, make: str) -> Field:
    number, confidence = row.values[kind]
    value = decimal(number.text)
    in_range = plausibility.bmd_in_range(value) if kind == "bmd" else plausibility.score_in_range(value)
    low = number.repaired or confidence < LOW_CONFIDENCE or not in_range
    bmd = row.values.get("bmd")
    t_score = row.values.get("t_score")
    z_score = row.values.get("z_score")
    if kind in ("bmd", "t_score") and bmd and t_score:
        low = low or not plausibility.t_agrees_with_bmd(decimal(bmd[0].text), decimal(t_score[0].text), make, row.site)
    if kind in ("t_score", "z_score") and t_score and z_score:
        low = low or not plausibility.z_agrees_with_t(decimal(t_score[0].text), decimal(z_score[0].text))
    if kind in ("t_score", "z_score") and not (bmd and t_score):
        low = True  # nothing to check the score against
    return Field(number.text, round(confidence, 2), row.line, low)


def _choose_rows(rows: list[Row]) -> dict[str, Row]:
    """One row per site: the first with a BMD, except that of two femurs the one with the lower T-score is kept (the
    diagnosis uses the lowest; the left one when both are equal)."""
    chosen: dict[str, Row] = {}
    for row in rows:
        if "bmd" not in row.values and "t_score" not in row.values:
            continue
        kept = chosen.get(row.site)
        if kept is None:
            chosen[row.site] = row
        elif row.site in (rules.TOTAL_HIP, rules.FEMORAL_NECK) and row.side and row.side != kept.side:
            new_t, kept_t = row.values.get("t_score"), kept.values.get("t_score")
            new_t, kept_t = new_t and decimal(new_t[0].text), kept_t and decimal(kept_t[0].text)
            if new_t is not None and kept_t is not None and (new_t < kept_t or (new_t == kept_t and row.side == "left")):
                chosen[row.site] = row
    return chosen


def site_fields(lines: list[Line], make: str) -> dict[str, Field]:
    fields = {}
    for site, row in _choose_rows(site_rows(lines)).items():
        for kind in ("bmd", "t_score", "z_score"):
            if kind in row.values:
                fields[f"{site}.{kind}"] = _value_field(row, kind, make)
        if site in SIDED_SITES and row.side:
            line = row.side_line or row.line
            confidence = _side_confidence(line)
            fields[f"{site}.side"] = Field(row.side, round(confidence, 2), line, confidence < LOW_CONFIDENCE)
    return fields


def make_field(lines: list[Line]) -> Field | None:
    for line in lines:
        text = normalise(line.text)
        for make, pattern in MAKES:
            if pattern.search(text):
                return Field(make, round(line.confidence, 2), line)
    return None


def _words_confidence(line: Line, printed: str) -> float:
    """The lowest OCR confidence of the words of `line` that make up `printed`, else the line's lowest."""
    found = [w.confidence for w in line.words if w.text.strip(",.;:()") and w.text.strip(",.;:()") in printed]
    return min(found) if found else line.confidence


def model_field(lines: list[Line]) -> Field | None:
    for line in lines:
        if match := MODEL_RE.search(line.text):
            confidence = _words_confidence(line, match[0])
            return Field(match[0], round(confidence, 2), line, confidence < LOW_CONFIDENCE)
    for line in lines:
        if match := LABELLED_MODEL_RE.search(line.text):
            model = MAKE_WORDS_RE.sub("", match[1]).strip(" .,;")
            if model:
                return Field(model, round(line.confidence, 2), line, line.confidence < LOW_CONFIDENCE)
    return None


def facility_field(lines: list[Line]) -> Field | None:
    for line in lines:
        if match := FACILITY_LABEL_RE.search(line.text.strip()):
            return Field(match[1].strip(" .,;"), round(line.confidence, 2), line, line.confidence < LOW_CONFIDENCE)
    for line in [line for line in lines if line.page == lines[0].page][:6]:
        text = line.text.strip()
        if FACILITY_WORDS_RE.search(text) and not re.search(r"\d|:", text):
            return Field(text, round(line.confidence, 2), line, line.confidence < LOW_CONFIDENCE)
    return None


def date_field(lines: list[Line], *, european: bool) -> Field | None:
    whole = "\n".join(line.text for line in lines)
    day_first = day_first_order(whole)
    for line in lines:
        text = line.text
        if not (label := DATE_LABEL_RE.search(normalise(text))):
            continue
        found = parse_date(text[label.end() :], day_first=day_first, european=european)
        if found:
            plausible = 1985 <= found.day.year <= 2100
            confidence = _words_confidence(line, found.text)
            low = found.ambiguous or not plausible or confidence < LOW_CONFIDENCE
            return Field(found.day.isoformat(), round(confidence, 2), line, low)
    return None


def parse_lines(lines: list[Line]) -> dict[str, Field]:
    """Every field found in the report's lines (missing ones are absent)."""
    european = sum(bool(re.search(r"\b\d,\d{1,3}\b", line.text)) for line in lines) > sum(
        bool(re.search(r"\b\d\.\d{1,3}\b", line.text)) for line in lines
    )
    sites = site_fields(lines, "other")
    if not sites:
        return {}
    # The page where the results begin is searched first: a cover letter before it names another place and date.
    first = min(found.line.page for found in sites.values())
    lines = [line for line in lines if line.page == first] + [line for line in lines if line.page != first]
    fields: dict[str, Field] = {}
    make = make_field(lines)
    fields["make"] = make or Field("other", 0.5, lines[0], low=True)
    sites = site_fields(lines, fields["make"].value)
    found = {"model": model_field(lines), "facility": facility_field(lines), "scanned_on": date_field(lines, european=european)}
    fields.update({key: value for key, value in found.items() if value})
    fields.update(sites)
    return fields
