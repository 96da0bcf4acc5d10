"""CSV import of DEXA results: one row per site measurement; rows with the same date and facility form one scan.

Columns (header row required, order free): scan_date, facility, make, model, site, side, bmd, t_score, z_score.
Parsing is pure (`parse_csv`); `import_commit` saves everything or nothing.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from bonetrack.core.date_display import format_day

from . import rules
from .models import (
    BMD_MAX,
    BMD_MIN,
    SCORE_MAX,
    SCORE_MIN,
    SCORE_WARN_HIGH,
    SCORE_WARN_LOW,
    DexaScan,
    Facility,
    ScannerMake,
    ScanRevision,
    Side,
    SiteMeasurement,
    Source,
)

COLUMNS = ("scan_date", "facility", "make", "model", "site", "side", "bmd", "t_score", "z_score")
REQUIRED = ("scan_date", "facility", "make", "site", "bmd", "t_score")
MAX_ROWS = 2000
MAKES = {value: value for value in ScannerMake.values} | {label.lower(): value for value, label in ScannerMake.choices}
MAKES |= {"lunar": ScannerMake.GE_LUNAR, "ge": ScannerMake.GE_LUNAR}
SITES = {site: site for site in rules.SITES} | {label.lower(): site for site, label in rules.SITE_LABELS.items()}
SITES |= {"spine": rules.LUMBAR_SPINE, "hip": rules.TOTAL_HIP, "neck": rules.FEMORAL_NECK, "radius": rules.RADIUS_33}


@dataclass
class ImportRow:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level problems

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)

    def scans(self) -> dict[tuple, list[ImportRow]]:
        grouped: dict[tuple, list[ImportRow]] = {}
        for row in self.rows:
            if not row.errors:
                grouped.setdefault((row.values["scan_date"], row.values["facility"].lower()), []).append(row)
        return grouped


def _decimal(text: str, name: str, low: Decimal, high: Decimal, places: int, unit: str = "") -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{name} “{text}” is not a number.") from None
    if not value.is_finite() or value.as_tuple().exponent < -places:
        raise ValueError(f"{name} “{text}” has more than {places} decimal places.")
    if not (low <= value <= high):
        raise ValueError(f"{name} {text} is outside {low} to {high}{unit}.")
    return value


def _parse_row(row: ImportRow, *, patient, today: dt.date) -> None:
    raw = {k: (v or "").strip() for k, v in row.raw.items()}
    for name in REQUIRED:
        if not raw.get(name):
            row.errors.append(f"{name} is empty.")
    if row.errors:
        return
    values = row.values
    try:
        values["scan_date"] = dt.date.fromisoformat(raw["scan_date"])
    except ValueError:
        row.errors.append(f"scan_date “{raw['scan_date']}” is not a date in the form YYYY-MM-DD.")
    else:
        if values["scan_date"] > today:
            row.errors.append("scan_date is in the future.")
        elif values["scan_date"] < patient.date_of_birth:
            row.errors.append("scan_date is before the date of birth.")
    values["facility"] = raw["facility"][:120]
    values["make"] = MAKES.get(raw["make"].lower())
    if values["make"] is None:
        row.errors.append(f"make “{raw['make']}” must be Hologic, GE Lunar or other.")
    values["model"] = raw.get("model", "")[:80]
    values["site"] = SITES.get(raw["site"].lower())
    if values["site"] is None:
        row.errors.append(f"site “{raw['site']}” must be one of {', '.join(rules.SITES)}.")
    side = raw.get("side", "").lower()
    values["side"] = side if side in Side.values else None
    if values["side"] is None:
        row.errors.append(f"side “{raw['side']}” must be left, right or empty.")
    elif side and values["site"] == rules.LUMBAR_SPINE:
        row.errors.append("The lumbar spine has no side.")
    for name, label, low, high, places, unit in (
        ("bmd", "BMD", BMD_MIN, BMD_MAX, 3, " g/cm²"),
        ("t_score", "T-score", SCORE_MIN, SCORE_MAX, 1, ""),
        ("z_score", "Z-score", SCORE_MIN, SCORE_MAX, 1, ""),
    ):
        if not raw.get(name):
            values[name] = None
            continue
        try:
            values[name] = _decimal(raw[name], label, low, high, places, unit)
        except ValueError as error:
            row.errors.append(str(error))
            continue
        if name != "bmd" and not (SCORE_WARN_LOW <= values[name] <= SCORE_WARN_HIGH):
            row.warnings.append(f"{label} {values[name]:+} is unusual: please double-check it.")


def _unreadable(reader: csv.DictReader, error: csv.Error) -> str:
    """What to tell the user when the csv module gives up on the file (it stops at the first such line)."""
    line = reader.line_num + 1  # the line being read: line_num counts the lines read completely
    # The csv module refuses any field longer than csv.field_size_limit() (128 kB): no DEXA value comes close.
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit() // 1024
        return f"Line {line} has a value longer than {limit} kB; the file cannot be imported. Is it the right file?"
    return f"Line {line} could not be read as CSV ({error}); the file cannot be imported."


def parse_csv(text: str, *, patient, today: dt.date) -> ImportPreview:
    """Parse and validate; every problem is reported against its line, nothing touches the database except lookups."""
    preview = ImportPreview()
    if "\x00" in text:
        # No spreadsheet writes NUL into a CSV file, and PostgreSQL cannot store it in text: refuse the whole file.
        line = text.count("\n", 0, text.index("\x00")) + 1
        preview.errors.append(f"Line {line} contains a NUL character: this is not a CSV text file.")
        return preview
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        preview.errors.append(_unreadable(reader, error))
        return preview
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        preview.errors.append(f"The header row is missing: {', '.join(missing)}. Expected: {', '.join(COLUMNS)}.")
        return preview
    reader.fieldnames = header
    try:
        for number, raw in enumerate(reader, start=2):
            if len(preview.rows) >= MAX_ROWS:
                preview.errors.append(f"The file has more than {MAX_ROWS} rows; split it.")
                break
            if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
                continue
            row = ImportRow(number, {k: v for k, v in raw.items() if k in COLUMNS})
            _parse_row(row, patient=patient, today=today)
            preview.rows.append(row)
    except csv.Error as error:
        preview.errors.append(_unreadable(reader, error))
    if not preview.rows and not preview.errors:
        preview.errors.append("The file has no data rows.")
    _check_groups(preview, patient)
    return preview


def _check_groups(preview: ImportPreview, patient) -> None:
    existing = {
        (day, name.lower()) for day, name in DexaScan.objects.filter(patient=patient).values_list("scanned_on", "facility__name")
    }
    for key, rows in preview.scans().items():
        first = rows[0].values
        seen = set()
        for row in rows:
            if (row.values["make"], row.values["model"]) != (first["make"], first["model"]):
                row.errors.append(f"make/model differ from line {rows[0].line} of the same scan.")
            if row.values["site"] in seen:
                row.errors.append(f"{rules.SITE_LABELS[row.values['site']]} appears twice in the same scan.")
            seen.add(row.values["site"])
            if key in existing:
                row.errors.append(f"A scan on {format_day(key[0])} at {first['facility']} is already recorded.")


@transaction.atomic
def import_commit(*, patient, text: str, user, today: dt.date) -> list[DexaScan]:
    """Create every scan of the file, or none: raises ValueError if any row has an error."""
    from .services import refresh_next_scan_due, snapshot

    preview = parse_csv(text, patient=patient, today=today)
    if preview.has_errors:
        raise ValueError(f"{preview.error_count} row(s) have errors; nothing was imported.")
    verified = user.is_clinician
    created = []
    for rows in preview.scans().values():
        first = rows[0].values
        facility = Facility.objects.find_for(patient, first["facility"])
        if facility is None:
            # A name from the file belongs to this record until an administrator approves it for everyone.
            facility = Facility.objects.create(name=first["facility"], owner=patient)
        scan = DexaScan.objects.create(
            patient=patient,
            scanned_on=first["scan_date"],
            facility=facility,
            make=first["make"],
            model=first["model"],
            source=Source.IMPORTED,
            entered_by=user,
            verified_by=user if verified else None,
            verified_at=timezone.now() if verified else None,
        )
        measurements = SiteMeasurement.objects.bulk_create(
            SiteMeasurement(
                scan=scan,
                site=row.values["site"],
                side=row.values["side"],
                bmd=row.values["bmd"],
                t_score=row.values["t_score"],
                z_score=row.values["z_score"],
            )
            for row in rows
        )
        changes = [{"field": k, "before": "", "after": v} for k, v in snapshot(scan, measurements).items() if v]
        ScanRevision.objects.create(scan=scan, changed_by=user, action="imported", changes=changes)
        created.append(scan)
    refresh_next_scan_due(patient)
    return created
