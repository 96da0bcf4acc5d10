"""The full export of a patient's record: one ZIP file, written row by row to disk (never built in memory).

The ZIP holds:

- one CSV per kind of record (`KINDS` below, plus `patient.csv`): a header row, ISO 8601 dates (times in UTC), units
  in the column names (`bmd_g_cm2`, `calcium_mg`, ...), and every cell passed through `bonetrack.core.csvexport`,
  so that text starting with =, +, -, @, a tab or a carriage return is never run as a spreadsheet formula;
- `bonetrack.json`: the same data in one JSON document (format below);
- `fhir-bundle.json`: the FHIR R4 Bundle of `fhir_export.patient_bundle`;
- `README.txt`: what each file holds.

`bonetrack.json`, format_version 1:

    {
      "format_version": 1,
      "exported_at": "2026-12-07T15:00:00+00:00",
      "patient": {<the one row of patient.csv, same keys>},
      "records": {
        "scans": [{<one object per row of scans.csv, keyed by its column names>}, ...],
        "meals": [...], "supplements": [...], "exercise": [...], "labs": [...], "fractures": [...], "falls": [...],
        "fracture_risk": [...], "medications": [...], "doses": [...], "reminders": [...], "access_log": [...]
      }
    }

In the JSON, numbers are numbers, yes/no are true/false, empty values are null and lists stay lists; in the CSV files
they are written as text ("yes"/"no", an empty cell, items joined by "; "). Codes (e.g. "lumbar_spine",
"femoral_neck") are the same in both. A new key may be added without changing `format_version`; a key renamed or
removed, or a value changing meaning, raises it.

Each kind is read with one query, streamed with `.iterator(chunk_size=...)`: the number of queries depends on the
number of kinds, never on the number of rows.
"""

import datetime as dt
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import BooleanField, Case, CharField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone

from bonetrack.accounts.models import GOAL_T_DEFAULT, Fall, Fracture, PatientProfile
from bonetrack.audit.models import AccessEvent
from bonetrack.core import csvexport
from bonetrack.labs import rules as lab_rules
from bonetrack.labs.models import LabResult, Unit
from bonetrack.reminders.models import Reminder
from bonetrack.risk.models import FraxResult
from bonetrack.treatment.models import Course, Dose
from dexa.models import SiteMeasurement
from exercise.models import SessionEntry
from nutrition.models import SUPPLEMENT_NUTRIENT, LogItem, Supplement

from .fhir_export import bundle_json, patient_bundle

FORMAT_VERSION = 1
CHUNK_SIZE = 2000
JSON_NAME = "bonetrack.json"
FHIR_NAME = "fhir-bundle.json"


@dataclass(frozen=True)
class Kind:
    """One kind of record: `<name>.csv` in the ZIP and `records.<name>` in bonetrack.json."""

    name: str
    description: str
    columns: tuple[tuple[str, str], ...]  # (column name, field or annotation of the queryset)
    queryset: Callable[[PatientProfile], QuerySet]

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]

    def rows(self, patient: PatientProfile) -> Iterable[tuple]:
        """The patient's rows, in one query, fetched `CHUNK_SIZE` at a time."""
        fields = [field for _, field in self.columns]
        return self.queryset(patient).values_list(*fields).iterator(chunk_size=CHUNK_SIZE)


def _person(prefix: str, ref: str | None = None):
    """The full name of a user (by their foreign key `prefix`), else their email, else the deleted account's pseudonym."""
    name = NullIf(Trim(Concat(f"{prefix}__first_name", Value(" "), f"{prefix}__last_name")), Value(""))
    return Coalesce(name, f"{prefix}__email", *([ref] if ref else []), Value(""), output_field=CharField())


def _choice_label(field: str, mapping: dict[str, str]):
    """The text `mapping` gives the row's code in `field` (e.g. the unit of a supplement's kind), in SQL."""
    whens = (When(**{field: key}, then=Value(label)) for key, label in mapping.items())
    return Case(*whens, default=Value(""), output_field=CharField())


SUPPLEMENT_UNITS = {kind: SUPPLEMENT_NUTRIENT[kind][1].split(" ")[0] for kind in SUPPLEMENT_NUTRIENT}
LAB_UNITS = {test: Unit(unit).label for test, unit in lab_rules.CANONICAL_UNIT.items()}


PATIENT_COLUMNS = (
    ("name", "patient_name"),
    ("email", "user__email"),
    ("date_of_birth", "date_of_birth"),
    ("sex", "sex"),
    ("menopausal_status", "menopausal_status"),
    ("height_cm", "height_cm"),
    ("weight_kg", "weight_kg"),
    ("smoking", "smoking"),
    ("alcohol_units_per_week", "alcohol_units_per_week"),
    ("glucocorticoids", "glucocorticoids"),
    ("parental_hip_fracture", "parental_hip_fracture"),
    ("rheumatoid_arthritis", "rheumatoid_arthritis"),
    ("goal_t_score_above", "goal_t"),
    ("goal_reason", "goal_reason"),
    ("scan_interval_months", "scan_interval_months"),
    ("next_scan_due_on", "next_scan_due_on"),
    ("next_scan_due_rule", "next_scan_due_rule"),
    ("time_zone", "user__time_zone"),
)


def _patient_row(patient: PatientProfile) -> tuple:
    fields = [field for _, field in PATIENT_COLUMNS]
    return (
        PatientProfile.objects.filter(pk=patient.pk)
        .annotate(patient_name=_person("user"), goal_t=Coalesce("goal_t_score", Value(GOAL_T_DEFAULT)))
        .values_list(*fields)
        .get()
    )


KINDS = (
    Kind(
        "scans",
        "DXA scans, one row per site measured.",
        (
            ("scan_id", "scan_id"),
            ("scanned_on", "scan__scanned_on"),
            ("facility", "scan__facility__name"),
            ("scanner_make", "scan__make"),
            ("scanner_model", "scan__model"),
            ("source", "scan__source"),
            ("site", "site"),
            ("side", "side"),
            ("bmd_g_cm2", "bmd"),
            ("t_score", "t_score"),
            ("z_score", "z_score"),
            ("category", "scan__category"),
            ("diagnosis", "scan__diagnosis"),
            ("diagnosis_reason", "scan__diagnosis_reason"),
            ("verified", "verified"),
        ),
        lambda patient: (
            SiteMeasurement.objects.filter(scan__patient=patient)
            .annotate(
                verified=Case(
                    When(scan__verified_at__isnull=False, then=Value(True)), default=Value(False), output_field=BooleanField()
                )
            )
            .order_by("scan__scanned_on", "scan_id", "site", "side")
        ),
    ),
    Kind(
        "meals",
        "Foods and drinks logged, and supplement tablets ticked off, with their nutrients.",
        (
            ("date", "date"),
            ("meal", "meal"),
            ("description", "description"),
            ("quantity", "quantity"),
            ("unit", "unit_label"),
            ("grams", "grams"),
            ("energy_kcal", "energy_kcal"),
            ("protein_g", "protein_g"),
            ("calcium_mg", "calcium_mg"),
            ("vitamin_d_iu", "vitamin_d_iu"),
            ("magnesium_mg", "magnesium_mg"),
            ("vitamin_k_mcg", "vitamin_k_mcg"),
            ("sodium_mg", "sodium_mg"),
            ("caffeine_mg", "caffeine_mg"),
            ("high_oxalate", "high_oxalate"),
            ("high_phytate", "high_phytate"),
            ("supplement_id", "supplement_id"),
        ),
        lambda patient: LogItem.objects.filter(patient=patient).order_by("date", "pk"),
    ),
    Kind(
        "supplements",
        "The supplement plan: each line with its amount per tablet (unit in `unit`).",
        (
            ("supplement_id", "pk"),
            ("kind", "kind"),
            ("calcium_form", "calcium_form"),
            ("name", "name"),
            ("amount_per_tablet", "amount_per_unit"),
            ("unit", "unit"),
            ("tablets_per_dose", "units_per_dose"),
            ("doses_per_day", "doses_per_day"),
            ("active", "active"),
            ("added_at", "created_at"),
        ),
        lambda patient: (
            Supplement.objects.filter(patient=patient)
            .annotate(unit=_choice_label("kind", SUPPLEMENT_UNITS))
            .order_by("created_at", "pk")
        ),
    ),
    Kind(
        "exercise",
        "Exercise entries, one row per exercise done in a session.",
        (
            ("date", "session__date"),
            ("exercise", "exercise__name"),
            ("category", "exercise__category"),
            ("minutes", "minutes"),
            ("sets", "sets"),
            ("reps", "reps"),
            ("load_kg", "load_kg"),
            ("load_as_entered", "load"),
            ("load_unit_as_entered", "load_unit"),
            ("effort_1_to_10", "effort"),
            ("notes", "notes"),
            ("session_notes", "session__notes"),
            ("safety_flagged", "flagged"),
            ("flag_reasons", "flag_reasons"),
        ),
        lambda patient: (
            SessionEntry.objects.for_patient(patient)
            .annotate(load_kg=SessionEntry.objects.load_kg_expression())
            .order_by("session__date", "session_id", "position", "pk")
        ),
    ),
    Kind(
        "labs",
        "Blood tests: `value` in `unit` (ng/mL for 25(OH)D, mg/dL for calcium), and the value as entered.",
        (
            ("taken_on", "taken_on"),
            ("test", "test"),
            ("value", "value"),
            ("unit", "unit"),
            ("value_as_entered", "entered_value"),
            ("unit_as_entered", "entered_unit"),
            ("lab_range_low_mg_dl", "range_low"),
            ("lab_range_high_mg_dl", "range_high"),
            ("notes", "notes"),
        ),
        lambda patient: (
            LabResult.objects.filter(patient=patient).annotate(unit=_choice_label("test", LAB_UNITS)).order_by("taken_on", "pk")
        ),
    ),
    Kind(
        "fractures",
        "Fracture history.",
        (
            ("occurred_on", "occurred_on"),
            ("site", "site"),
            ("fragility", "fragility"),
            ("on_glucocorticoids", "on_glucocorticoids"),
            ("notes", "notes"),
        ),
        lambda patient: Fracture.objects.filter(patient=patient).order_by("occurred_on", "pk"),
    ),
    Kind(
        "falls",
        "The falls log.",
        (("occurred_on", "occurred_on"), ("injury", "injury"), ("fracture", "fracture"), ("notes", "notes")),
        lambda patient: Fall.objects.filter(patient=patient).order_by("occurred_on", "pk"),
    ),
    Kind(
        "fracture_risk",
        "FRAX 10-year fracture probabilities, as read from the FRAX calculator.",
        (
            ("assessed_on", "assessed_on"),
            ("major_osteoporotic_percent", "major_percent"),
            ("hip_percent", "hip_percent"),
            ("with_bmd", "with_bmd"),
        ),
        lambda patient: FraxResult.objects.filter(patient=patient).order_by("assessed_on", "pk"),
    ),
    Kind(
        "medications",
        "Bone medication courses.",
        (
            ("course_id", "pk"),
            ("drug", "regimen__drug__name"),
            ("regimen", "regimen__slug"),
            ("dose", "regimen__dose_label"),
            ("route", "regimen__route"),
            ("started_on", "started_on"),
            ("stopped_on", "ended_on"),
            ("stop_reason", "stop_reason"),
            ("prescriber", "prescriber"),
            ("notes", "notes"),
        ),
        lambda patient: Course.objects.filter(patient=patient).order_by("started_on", "pk"),
    ),
    Kind(
        "doses",
        "Doses of the medication courses: taken, given at the clinic, or missed.",
        (
            ("course_id", "course_id"),
            ("drug", "course__regimen__drug__name"),
            ("date", "on"),
            ("status", "status"),
            ("injection_site", "site"),
            ("lot", "lot"),
        ),
        lambda patient: Dose.objects.filter(course__patient=patient).order_by("on", "pk"),
    ),
    Kind(
        "reminders",
        "Reminders sent (scan and dose reminders), and what happened to their email.",
        (
            ("sent_at", "send_at"),
            ("kind", "kind"),
            ("due_on", "due_on"),
            ("days_from_due", "stage"),
            ("email_status", "email_status"),
            ("email_sent_at", "email_sent_at"),
        ),
        lambda patient: Reminder.objects.filter(patient=patient).order_by("send_at", "pk"),
    ),
    Kind(
        "access_log",
        "Every view or change of the record by someone other than the patient, and every change by the patient.",
        (
            ("at", "at"),
            ("who", "who"),
            ("action", "action"),
            ("page", "summary"),
            ("method", "method"),
            ("path", "path"),
        ),
        lambda patient: (
            AccessEvent.objects.filter(patient=patient).annotate(who=_person("actor", "actor_ref")).order_by("at", "pk")
        ),
    ),
)


def csv_cell(value):
    """A value as a CSV cell: ISO dates (times in UTC), yes/no, lists joined with "; ", empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return value


def json_value(value):
    """A value for bonetrack.json: numbers as numbers, ISO dates (times in UTC); None, bools and lists as they are."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


def readme_text(patient: PatientProfile, exported_at: dt.datetime) -> str:
    lines = [
        f"BoneTrack export of {patient}, made {exported_at:%Y-%m-%d %H:%M} UTC.",
        "",
        "Dates are written YYYY-MM-DD, times in UTC. Units are in the column names (for example bmd_g_cm2, calcium_mg).",
        "",
        "patient.csv: the profile, the answers about risk factors, and the treatment goal.",
        *(f"{kind.name}.csv: {kind.description}" for kind in KINDS),
        f"{JSON_NAME}: all of the above in one JSON document (format_version {FORMAT_VERSION}).",
        f"{FHIR_NAME}: scans, blood tests and medications as a FHIR R4 Bundle, for other health record systems.",
        "",
    ]
    return "\n".join(lines)


def _text_entry(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(archive.open(name, "w", force_zip64=True), encoding="utf-8", newline="")


def write_export(patient: PatientProfile, path: Path, *, on_progress: Callable[[int], None] = lambda percent: None) -> int:
    """Write the export ZIP of `patient` to `path` (through a temporary file beside it); return its size in bytes.

    `on_progress(percent)` is called after each file, with 0–99 (the caller says when it is done).
    """
    exported_at = timezone.now()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    steps = len(KINDS) + 3  # the patient, each kind, the JSON document, the FHIR bundle
    with (
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent) as json_body,
    ):
        archive.writestr("README.txt", readme_text(patient, exported_at))
        patient_row = _patient_row(patient)
        with _text_entry(archive, "patient.csv") as text:
            writer = csvexport.writer(text)
            writer.writerow([header for header, _ in PATIENT_COLUMNS])
            writer.writerow([csv_cell(value) for value in patient_row])
        patient_json = {header: json_value(value) for (header, _), value in zip(PATIENT_COLUMNS, patient_row, strict=True)}
        json_body.write(
            f'{{"format_version": {FORMAT_VERSION}, "exported_at": {json.dumps(exported_at.astimezone(dt.UTC).isoformat())}, '
            f'"patient": {json.dumps(patient_json)}, "records": {{'
        )
        on_progress(100 // steps)
        for index, kind in enumerate(KINDS):
            headers = kind.headers
            json_body.write(f"{',' if index else ''}\n{json.dumps(kind.name)}: [")
            with _text_entry(archive, f"{kind.name}.csv") as text:
                writer = csvexport.writer(text)
                writer.writerow(headers)
                separator = "\n"
                for row in kind.rows(patient):
                    writer.writerow([csv_cell(value) for value in row])
                    record = {header: json_value(value) for header, value in zip(headers, row, strict=True)}
                    json_body.write(separator + json.dumps(record))
                    separator = ",\n"
            json_body.write("]")
            on_progress(100 * (index + 2) // steps)
        json_body.write("}}\n")
        json_body.seek(0)
        with _text_entry(archive, JSON_NAME) as text:
            shutil.copyfileobj(json_body, text, length=1 << 20)
        on_progress(100 * (steps - 1) // steps)
        archive.writestr(FHIR_NAME, bundle_json(patient_bundle(patient)))
    partial.replace(path)
    return path.stat().st_size
