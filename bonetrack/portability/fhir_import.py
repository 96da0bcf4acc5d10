"""DXA results from a FHIR R4 Bundle: each DiagnosticReport 83311-1 and the Observations in its `result` become a scan.

`read_bundle` parses and validates (the `fhir.resources` R4B models check every resource) and maps what it can:
the scan date, the facility (the report's performer), the scanner (an Observation's `method.text`, as the export
writes it), and per site the side, BMD, T-score and Z-score, by the LOINC codes of `fhir_export.SITE_REGIONS`.
Everything it cannot map is listed. Nothing touches the database but lookups; `import_commit` saves every scan
through `dexa.services.scan_save`, or none.
"""

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as FhirValidationError

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.core.date_display import format_day
from dexa import rules
from dexa.importing import MAKES
from dexa.models import BMD_MAX, BMD_MIN, SCORE_MAX, SCORE_MIN, DexaScan, Facility, ScannerMake, SiteMeasurement, Source
from dexa.services import scan_save

from .fhir_export import BMD, DXA_PANEL, FEMUR, HIP, LOINC, LOINC_DXA_CODES, LUMBAR, MEASURE_LABELS, RADIUS_ULNA, T_SCORE

MAX_BYTES = 5 * 1024 * 1024
MAX_SCANS = 200
SIGNING_SALT = "portability.fhir-import"
PREVIEW_MAX_AGE = 60 * 60  # seconds: a preview older than an hour is uploaded again
# NOTE: "g/cm-2" is UCUM for g·cm², but the base FHIR example writes BMD so; the range check still guards the value.
BMD_UNITS = {"g/cm2", "g/cm²", "g/cm^2", "g/cm-2"}
NUL_ESCAPE = re.compile(r"\\u0000", re.IGNORECASE)
PLACES = {BMD: 3, T_SCORE: 1, "z_score": 1}
LIMITS = {BMD: (BMD_MIN, BMD_MAX), T_SCORE: (SCORE_MIN, SCORE_MAX), "z_score": (SCORE_MIN, SCORE_MAX)}
# Within a LOINC region, the words of code.text or bodySite.text that name the precise site; else the region's site.
REGION_SITES = {
    LUMBAR.name: ((), rules.LUMBAR_SPINE),
    HIP.name: (((r"femoral neck|\bneck\b", rules.FEMORAL_NECK), (r"total hip", rules.TOTAL_HIP)), rules.TOTAL_HIP),
    FEMUR.name: (((r"total hip", rules.TOTAL_HIP), (r"femoral neck|\bneck\b", rules.FEMORAL_NECK)), rules.FEMORAL_NECK),
    RADIUS_ULNA.name: ((), rules.RADIUS_33),
}


# "Hologic Horizon A", "GE Lunar Prodigy", "Lunar iDXA", "Other": a make name (dexa.importing.MAKES), then the model.
SCANNER_TEXT = re.compile(
    r"(" + "|".join(re.escape(name).replace("_", "[_ ]") for name in sorted(MAKES, key=len, reverse=True)) + r")(?:\s+(.*))?\Z",
    re.IGNORECASE | re.DOTALL,
)


class BundleRefused(ValueError):
    """The file cannot be imported at all: the message says why."""


@dataclass
class SiteResult:
    site: str
    side: str
    bmd: Decimal
    t_score: Decimal
    z_score: Decimal | None = None

    @property
    def label(self) -> str:
        return rules.SITE_LABELS[self.site]


@dataclass
class ScanResult:
    scanned_on: dt.date
    facility: str  # "" when the report does not name it: asked in the preview form
    make: str  # a ScannerMake value, or "" when no Observation says: asked in the preview form
    model: str
    sites: list[SiteResult] = field(default_factory=list)

    @property
    def make_label(self) -> str:
        return ScannerMake(self.make).label if self.make else ""


@dataclass
class FhirPreview:
    scans: list[ScanResult] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)  # what the file holds and the import leaves out

    @property
    def needs_facility(self) -> bool:
        return any(not scan.facility for scan in self.scans)

    @property
    def needs_make(self) -> bool:
        return any(not scan.make for scan in self.scans)


def _decode(raw: bytes) -> dict:
    if len(raw) > MAX_BYTES:
        raise BundleRefused("The file is larger than 5 MB: it cannot be imported.")
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleRefused("The file is not JSON: choose the FHIR bundle file (.json).") from None
    if NUL_ESCAPE.search(text):
        # PostgreSQL cannot store NUL in text, and no FHIR server writes one: refuse the file, as the CSV import does.
        raise BundleRefused("The file contains a NUL character (\\u0000): it cannot be imported.")
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise BundleRefused("The file is JSON but not a FHIR resource: it has no resourceType.")
    if data["resourceType"] != "Bundle":
        raise BundleRefused(f"The file is a FHIR {data['resourceType'][:40]}, not a Bundle: export a FHIR R4 Bundle.")
    return data


def _validated(data: dict) -> Bundle:
    try:
        return Bundle.model_validate(data)
    except FhirValidationError as error:
        problems = [f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
        raise BundleRefused("The bundle is not valid FHIR R4: " + "; ".join(problems)[:600]) from None
    except (KeyError, ValueError, TypeError, AttributeError, RecursionError):
        # fhir.resources looks up each entry's resourceType among the R4 resources: an unknown one fails here.
        raise BundleRefused("The bundle is not valid FHIR R4: it holds a resource type FHIR R4 does not have.") from None


def _day(value) -> dt.date | None:
    """A FHIR date or dateTime as a day; None for a partial date ("2024-03") or none."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _check_patient(bundle: Bundle, patient: PatientProfile) -> None:
    for entry in bundle.entry or ():
        resource = entry.resource
        if resource is None or resource.get_resource_type() != "Patient" or resource.birthDate is None:
            continue
        born = resource.birthDate
        same = (
            born == patient.date_of_birth if isinstance(born, dt.date) else str(born) == str(patient.date_of_birth)[: len(born)]
        )
        if not same:
            raise BundleRefused(
                f"This bundle is about someone else: its patient was born on {born}, not on "
                f"{format_day(patient.date_of_birth)}. Nothing was imported."
            )


def _lookup(bundle: Bundle) -> dict[str, object]:
    """Each resource by its fullUrl and by "Type/id", as references name them."""
    found = {}
    for entry in bundle.entry or ():
        resource = entry.resource
        if resource is None:
            continue
        if entry.fullUrl:
            found[str(entry.fullUrl)] = resource
        if resource.id:
            found[f"{resource.get_resource_type()}/{resource.id}"] = resource
    return found


def _loinc_codes(concept) -> list[str]:
    return [c.code for c in (concept.coding or ()) if c.code and str(c.system or "") == LOINC] if concept else []


def _is_dxa_report(resource) -> bool:
    return resource.get_resource_type() == "DiagnosticReport" and DXA_PANEL in _loinc_codes(resource.code)


def _resolve(reference, lookup: dict, container) -> object | None:
    if reference is None or not reference.reference:
        return None
    ref = str(reference.reference)
    if ref.startswith("#"):
        return next((r for r in (container.contained or ()) if r.id == ref[1:]), None)
    return lookup.get(ref) or lookup.get("/".join(ref.rsplit("/", 2)[-2:]))


def _words(observation) -> str:
    texts = [observation.code.text if observation.code else None, observation.bodySite.text if observation.bodySite else None]
    return " ".join(t for t in texts if t).lower()


def _site_and_side(region_name: str, code_side: str, words: str) -> tuple[str, str]:
    patterns, default = REGION_SITES[region_name]
    site = next((s for pattern, s in patterns if re.search(pattern, words)), default)
    if site == rules.LUMBAR_SPINE:
        return site, ""
    side = code_side or ("left" if re.search(r"\bleft\b", words) else "right" if re.search(r"\bright\b", words) else "")
    return site, side


def _value(observation, measure: str) -> Decimal:
    """The observation's value for `measure`, checked as the scan form checks it; ValueError says what is wrong."""
    quantity = observation.valueQuantity
    if quantity is None or quantity.value is None:
        raise ValueError("has no numeric value")
    if measure == BMD and (quantity.code or quantity.unit) and (quantity.code or quantity.unit) not in BMD_UNITS:
        raise ValueError(f"is in {quantity.code or quantity.unit}, not g/cm2")
    value = Decimal(str(quantity.value))
    places = PLACES[measure]
    if not value.is_finite() or value.as_tuple().exponent < -places:
        raise ValueError(f"{value} has more than {places} decimal place{'s' if places > 1 else ''}")
    low, high = LIMITS[measure]
    if not (low <= value <= high):
        raise ValueError(f"{value} is outside {low} to {high}")
    return value


def _scanner(observations) -> tuple[str, str]:
    """(make, model) from the first Observation whose method.text names a scanner make, e.g. "Hologic Horizon A"."""
    for observation in observations:
        text = (observation.method.text or "").strip() if observation.method else ""
        match = SCANNER_TEXT.match(text)
        if match:
            return MAKES[match.group(1).lower()], (match.group(2) or "").strip()[:80]
    return "", ""


def _facility(report, lookup: dict) -> str:
    for performer in report.performer or ():
        organization = _resolve(performer, lookup, report)
        name = getattr(organization, "name", None) or performer.display
        if name and name.strip():
            return name.strip()[:120]
    return ""


def _read_report(report, lookup: dict, patient: PatientProfile, today: dt.date, not_mapped: list[str]) -> ScanResult | None:
    day = _day(report.effectiveDateTime) or _day(report.effectivePeriod.start if report.effectivePeriod else None)
    if day is None:
        not_mapped.append("A DXA report without a full scan date: left out.")
        return None
    when = format_day(day)
    if day > today or day < patient.date_of_birth:
        not_mapped.append(
            f"The DXA report of {when}: the date is {'in the future' if day > today else 'before the date of birth'}."
        )
        return None
    values: dict[tuple[str, str], dict[str, Decimal]] = {}
    observations = []
    for reference in report.result or ():
        observation = _resolve(reference, lookup, report)
        if observation is None or observation.get_resource_type() != "Observation":
            not_mapped.append(
                f"{when}: result {reference.reference or reference.display or '(no reference)'} is not in the bundle."
            )
            continue
        observations.append(observation)
        codes = [c for c in _loinc_codes(observation.code) if c in LOINC_DXA_CODES]
        if not codes:
            label = (observation.code.text if observation.code else None) or ", ".join(_loinc_codes(observation.code)) or "?"
            not_mapped.append(f"{when}: “{label[:80]}” is not a BMD, T-score or Z-score of a known DXA site.")
            continue
        region, code_side, measure = LOINC_DXA_CODES[codes[0]]
        site, side = _site_and_side(region.name, code_side, _words(observation))
        label = f"{when}, {rules.SITE_LABELS[site]} {MEASURE_LABELS[measure]}"
        try:
            value = _value(observation, measure)
        except ValueError as error:
            not_mapped.append(f"{label}: {error}.")
            continue
        sides_and_values = values.setdefault((site, side), {})
        if measure in sides_and_values or any(s == site and v for (s, sd), v in values.items() if sd != side):
            not_mapped.append(f"{label} appears twice in the report: left out.")
            continue
        sides_and_values[measure] = value
    scan = ScanResult(scanned_on=day, facility=_facility(report, lookup), make="", model="")
    scan.make, scan.model = _scanner(observations)
    for (site, side), found in sorted(values.items(), key=lambda item: rules.SITES.index(item[0][0])):
        missing = [MEASURE_LABELS[m] for m in (BMD, T_SCORE) if m not in found]
        if missing:
            if found:
                not_mapped.append(f"{when}, {rules.SITE_LABELS[site]}: no {' or '.join(missing)}, so the site is left out.")
            continue
        scan.sites.append(SiteResult(site, side, found[BMD], found[T_SCORE], found.get("z_score")))
    if not scan.sites:
        not_mapped.append(f"The DXA report of {when}: no site with both a BMD and a T-score.")
        return None
    return scan


def _others(bundle: Bundle, used: set[int]) -> list[str]:
    """One line per kind of resource the import leaves out, e.g. "3 Observation resources (not DXA results)"."""
    counts: dict[str, int] = {}
    for entry in bundle.entry or ():
        resource = entry.resource
        if resource is None or id(resource) in used or resource.get_resource_type() in ("Patient", "Organization"):
            continue
        kind = resource.get_resource_type()
        if kind == "Observation" and any(c in LOINC_DXA_CODES for c in _loinc_codes(resource.code)):
            kind = "DXA Observation not listed in a DXA report"
        counts[kind] = counts.get(kind, 0) + 1
    return [
        f"{count} {kind} resource{'s' if count > 1 else ''}: only DXA results are imported." for kind, count in counts.items()
    ]


def duplicates(patient: PatientProfile, scans: list[ScanResult]) -> list[str]:
    """The scans already recorded (same date and facility, as dexa allows one per day and facility), or twice in the file."""
    known = {
        (day, name.lower()) for day, name in DexaScan.objects.for_patient(patient).values_list("scanned_on", "facility__name")
    }
    found, seen = [], set()
    for scan in scans:
        key = (scan.scanned_on, scan.facility.lower())
        if not scan.facility:
            continue
        if key in known:
            found.append(f"A scan on {format_day(scan.scanned_on)} at {scan.facility} is already recorded.")
        elif key in seen:
            found.append(f"The bundle has two scans on {format_day(scan.scanned_on)} at {scan.facility}.")
        seen.add(key)
    return found


def read_bundle(raw: bytes, *, patient: PatientProfile, today: dt.date) -> FhirPreview:
    """The DXA scans of a FHIR R4 Bundle file, and what it leaves out; BundleRefused when nothing can be imported."""
    bundle = _validated(_decode(raw))
    _check_patient(bundle, patient)
    lookup = _lookup(bundle)
    preview = FhirPreview()
    used: set[int] = set()
    reports = [entry.resource for entry in bundle.entry or () if entry.resource is not None and _is_dxa_report(entry.resource)]
    for report in reports:
        used.add(id(report))
        used.update(id(found) for reference in report.result or () if (found := _resolve(reference, lookup, report)))
        scan = _read_report(report, lookup, patient, today, preview.not_mapped)
        if scan is not None:
            preview.scans.append(scan)
    preview.not_mapped.extend(_others(bundle, used))
    if not preview.scans:
        reason = "no DiagnosticReport with LOINC 83311-1" if not reports else "; ".join(preview.not_mapped[:3])
        raise BundleRefused(f"No DXA results found in the bundle ({reason}). Nothing was imported.")
    if len(preview.scans) > MAX_SCANS:
        raise BundleRefused(f"The bundle has more than {MAX_SCANS} DXA reports; split it.")
    clashes = duplicates(patient, preview.scans)
    if clashes:
        raise BundleRefused(" ".join(clashes[:5]) + " Nothing was imported.")
    return preview


def sign_preview(patient: PatientProfile, preview: FhirPreview) -> str:
    """The understood scans and the list of what was left out, signed for this patient: the preview form carries
    them to the confirmation unchanged, so the file is not uploaded twice and cannot be swapped in between."""
    rows = [
        {**asdict(scan), "scanned_on": scan.scanned_on.isoformat(), "sites": [_site_row(site) for site in scan.sites]}
        for scan in preview.scans
    ]
    payload = {"patient": patient.pk, "scans": rows, "not_mapped": preview.not_mapped}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def _site_row(site: SiteResult) -> dict:
    return {name: (str(value) if isinstance(value, Decimal) else value) for name, value in asdict(site).items()}


def unsign_preview(patient: PatientProfile, token: str) -> FhirPreview:
    """The preview signed by `sign_preview` for this patient; BundleRefused when it is stale, altered or another's."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        raise BundleRefused("The preview has expired or was changed: upload the file again. Nothing was imported.") from None
    if payload.get("patient") != patient.pk:
        raise BundleRefused("This preview belongs to another record: upload the file again. Nothing was imported.")
    preview = FhirPreview(not_mapped=payload["not_mapped"])
    for data in payload["scans"]:
        sites = [
            SiteResult(s["site"], s["side"], Decimal(s["bmd"]), Decimal(s["t_score"]), s["z_score"] and Decimal(s["z_score"]))
            for s in data["sites"]
        ]
        preview.scans.append(
            ScanResult(dt.date.fromisoformat(data["scanned_on"]), data["facility"], data["make"], data["model"], sites)
        )
    return preview


@transaction.atomic
def import_commit(
    *, patient: PatientProfile, scans: list[ScanResult], user: User, facility: str = "", make: str = ""
) -> list[DexaScan]:
    """Save every scan, or none: `facility` and `make` fill in what the reports did not say.

    A clinician's imports are verified (they checked the preview, as with the CSV import); a patient's own are
    self-reported until the care team verifies them, so that the patient can still correct them.
    """
    for scan in scans:
        scan.facility = scan.facility or facility.strip()[:120]
        scan.make = scan.make or make
        if not scan.facility or scan.make not in ScannerMake.values:
            raise BundleRefused("Give the facility and the scanner make. Nothing was imported.")
    clashes = duplicates(patient, scans)
    if clashes:
        raise BundleRefused(" ".join(clashes[:5]) + " Nothing was imported.")
    verified = user.is_clinician
    created = []
    for found in scans:
        place = Facility.objects.find_for(patient, found.facility)
        if place is None:
            # A name from the file belongs to this record until an administrator approves it for everyone.
            place = Facility.objects.create(name=found.facility, owner=patient)
        scan = DexaScan(
            patient=patient,
            scanned_on=found.scanned_on,
            facility=place,
            make=found.make,
            model=found.model,
            source=Source.IMPORTED if user.is_care_team else Source.SELF_REPORTED,
            verified_by=user if verified else None,
            verified_at=timezone.now() if verified else None,
        )
        measurements = [
            SiteMeasurement(site=s.site, side=s.side, bmd=s.bmd, t_score=s.t_score, z_score=s.z_score) for s in found.sites
        ]
        try:
            created.append(scan_save(scan=scan, measurements=measurements, user=user))
        except ValidationError as error:
            problems = (
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()) if hasattr(error, "error_dict") else error
            )
            raise BundleRefused(
                f"The scan of {format_day(found.scanned_on)} cannot be saved ({problems}). Nothing was imported."
            ) from None
    return created
