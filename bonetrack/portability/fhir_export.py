"""A patient's record as a FHIR R4 Bundle (type "collection"), validated by the `fhir.resources` R4B models.

The bundle holds the Patient; per DEXA scan one Observation per site and measure (BMD, T-score, Z-score when
recorded) and a DiagnosticReport 83311-1 listing them; the 25(OH)D and calcium results; and one MedicationStatement
per medication course. Every resource has a `urn:uuid:` fullUrl, derived from its row so that the same record gives
the same ids in every export; references between resources use those fullUrls. Codes and units: DOMAIN.md §9.

LOINC has no codes for the femoral neck, the total hip or the 33% radius themselves, so each site takes the code
of the closest region (with the side's own code when the side is known), and the precise site is written in
`bodySite.text` and `code.text`:

| Site         | LOINC region  | BMD (g/cm2): any side, L, R   | T-score: any side, L, R       | Z-score: any side, L, R       |
|--------------|---------------|-------------------------------|-------------------------------|-------------------------------|
| Lumbar spine | Lumbar spine  | 24966-4                       | 38267-1                       | 85394-5                       |
| Total hip    | Hip           | 38261-4, 46278-8, 46279-6     | 38264-8, 80946-7, 80945-9     | 80933-5, 80938-4, 80937-6     |
| Femoral neck | Femur         | 24701-5, 80954-1, 80953-3     | 38263-0, 80948-3, 80947-5     | 80934-3, 80940-0, 80939-2     |
| 33% radius   | Radius + ulna | 24890-6, 80952-5, 80951-7     | 38265-5, 80944-2, 80943-4     | 80932-7, 80936-8, 80935-0     |
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from bonetrack.accounts.models import PatientProfile
from bonetrack.labs.models import LabResult, Test
from bonetrack.treatment.models import Course, StopReason
from dexa import rules
from dexa.models import DexaScan, SiteMeasurement

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
REPORT_CATEGORY = "http://terminology.hl7.org/CodeSystem/v2-0074"
DXA_PANEL = "83311-1"
BMD, T_SCORE, Z_SCORE = "bmd", "t_score", "z_score"
MEASURES = (BMD, T_SCORE, Z_SCORE)
MEASURE_LABELS = {BMD: "BMD", T_SCORE: "T-score", Z_SCORE: "Z-score"}
# UCUM: g/cm2 is grams per square centimetre (g/cm-2 would be g·cm²); the scores are annotations.
UNITS = {BMD: ("g/cm2", "g/cm2"), T_SCORE: ("T-score", "{T-Score}"), Z_SCORE: ("Z-score", "{Z-Score}")}
LOINC_MEASURE = {BMD: "Mass/Area", T_SCORE: "T-score", Z_SCORE: "Z-score"}


@dataclass(frozen=True)
class Region:
    """A LOINC DXA region: its name in LOINC and its codes per measure, for no side, left and right."""

    name: str
    codes: dict[str, dict[str, str]]  # measure → {"": code, "left": code, "right": code}


LUMBAR = Region("Lumbar spine", {BMD: {"": "24966-4"}, T_SCORE: {"": "38267-1"}, Z_SCORE: {"": "85394-5"}})
HIP = Region(
    "Hip",
    {
        BMD: {"": "38261-4", "left": "46278-8", "right": "46279-6"},
        T_SCORE: {"": "38264-8", "left": "80946-7", "right": "80945-9"},
        Z_SCORE: {"": "80933-5", "left": "80938-4", "right": "80937-6"},
    },
)
FEMUR = Region(
    "Femur",
    {
        BMD: {"": "24701-5", "left": "80954-1", "right": "80953-3"},
        T_SCORE: {"": "38263-0", "left": "80948-3", "right": "80947-5"},
        Z_SCORE: {"": "80934-3", "left": "80940-0", "right": "80939-2"},
    },
)
RADIUS_ULNA = Region(
    "Radius and Ulna",
    {
        BMD: {"": "24890-6", "left": "80952-5", "right": "80951-7"},
        T_SCORE: {"": "38265-5", "left": "80944-2", "right": "80943-4"},
        Z_SCORE: {"": "80932-7", "left": "80936-8", "right": "80935-0"},
    },
)
# The table of the module docstring: each BoneTrack site and the LOINC region whose codes it takes.
SITE_REGIONS = {
    rules.LUMBAR_SPINE: LUMBAR,
    rules.TOTAL_HIP: HIP,
    rules.FEMORAL_NECK: FEMUR,
    rules.RADIUS_33: RADIUS_ULNA,
}
# Every DXA code of the table, back to (region, side, measure): what the import reads.
LOINC_DXA_CODES = {
    code: (region, side, measure)
    for region in SITE_REGIONS.values()
    for measure, by_side in region.codes.items()
    for side, code in by_side.items()
}
LAB_CODES = {
    Test.VITAMIN_D: ("62292-8", "25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma", "ng/mL"),
    Test.CALCIUM: ("17861-6", "Calcium [Mass/volume] in Serum or Plasma", "mg/dL"),
}
# NOTE: a uuid5 namespace of its own, so that a row's urn:uuid: is the same in every export of the record.
ID_NAMESPACE = uuid.UUID("6c1d3f2e-8a4b-5e0f-9b7a-2d4c6e8f0a1b")


def urn(kind: str, *parts) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, ':'.join(str(p) for p in (kind, *parts)))}"


def site_text(site: str, side: str) -> str:
    """The precise site in words, e.g. "Left femoral neck" or "Lumbar spine (L1–L4)"."""
    label = rules.SITE_LABELS[site]
    return f"{side.capitalize()} {label[0].lower()}{label[1:]}" if side else label


def loinc_display(region: Region, side: str, measure: str) -> str:
    """The LOINC long name's pattern, e.g. "DXA Femur - left [T-score] Bone density"."""
    where = f"{region.name} - {side}" if side else region.name
    return f"DXA {where} [{LOINC_MEASURE[measure]}] Bone density"


def dxa_coding(site: str, side: str, measure: str) -> dict:
    region = SITE_REGIONS[site]
    by_side = region.codes[measure]
    code_side = side if side in by_side else ""
    return {"system": LOINC, "code": by_side[code_side], "display": loinc_display(region, code_side, measure)}


def quantity(value: Decimal, measure: str) -> dict:
    unit, code = UNITS[measure]
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def scanner_text(scan: DexaScan) -> str:
    """The scanner in `method.text`, e.g. "Hologic Horizon A": the import reads the make back from it."""
    return scan.make_label


def _codeable(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


IMAGING = _codeable(OBSERVATION_CATEGORY, "imaging", "Imaging")
LABORATORY = _codeable(OBSERVATION_CATEGORY, "laboratory", "Laboratory")
RADIOLOGY = _codeable(REPORT_CATEGORY, "RAD", "Radiology")


def patient_resource(patient: PatientProfile) -> dict:
    user = patient.user
    name = {"text": user.display_name, "family": user.last_name or None, "given": [user.first_name] if user.first_name else None}
    return {
        "resourceType": "Patient",
        "name": [{k: v for k, v in name.items() if v}],
        "gender": patient.sex,  # female | male: the FHIR administrative gender codes
        "birthDate": patient.date_of_birth,
    }


def measurement_observations(scan: DexaScan, m: SiteMeasurement, patient_url: str, facility_url: str) -> list[tuple[str, dict]]:
    """(fullUrl, Observation) for each measure recorded at this site."""
    found = []
    where = site_text(m.site, m.side)
    for measure in MEASURES:
        value = getattr(m, measure)
        if value is None:
            continue
        found.append(
            (
                urn("measurement", m.pk, measure),
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [IMAGING],
                    "code": {"coding": [dxa_coding(m.site, m.side, measure)], "text": f"{where} {MEASURE_LABELS[measure]}"},
                    "subject": {"reference": patient_url},
                    "effectiveDateTime": scan.scanned_on,
                    "performer": [{"reference": facility_url, "display": scan.facility.name}],
                    "valueQuantity": quantity(value, measure),
                    "bodySite": {"text": where},
                    "method": {"text": scanner_text(scan)},
                },
            )
        )
    return found


def scan_report(scan: DexaScan, result_urls: list[str], patient_url: str, facility_url: str) -> dict:
    report = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "category": [RADIOLOGY],
        "code": _codeable(LOINC, DXA_PANEL, "DXA Bone density panel"),
        "subject": {"reference": patient_url},
        "effectiveDateTime": scan.scanned_on,
        "performer": [{"reference": facility_url, "display": scan.facility.name}],
        "result": [{"reference": url} for url in result_urls],
    }
    if scan.category:
        report["conclusion"] = scan.get_category_display()
    return report


def lab_observation(result: LabResult, patient_url: str) -> dict:
    code, display, unit = LAB_CODES[result.test]
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "category": [LABORATORY],
        "code": _codeable(LOINC, code, display),
        "subject": {"reference": patient_url},
        "effectiveDateTime": result.taken_on,
        "valueQuantity": {"value": result.value, "unit": unit, "system": UCUM, "code": unit},
    }
    if result.uses_lab_range:
        observation["referenceRange"] = [
            {
                "low": {"value": result.range_low, "unit": unit, "system": UCUM, "code": unit},
                "high": {"value": result.range_high, "unit": unit, "system": UCUM, "code": unit},
            }
        ]
    if result.notes:
        observation["note"] = [{"text": result.notes}]
    return observation


def course_status(course: Course) -> str:
    """active while it goes on; completed when the course was finished; stopped for any other reason."""
    if course.ended_on is None:
        return "active"
    return "completed" if course.stop_reason == StopReason.FINISHED else "stopped"


def medication_statement(course: Course, patient_url: str) -> dict:
    regimen = course.regimen
    statement = {
        "resourceType": "MedicationStatement",
        "status": course_status(course),
        "medicationCodeableConcept": {"text": regimen.drug.name},
        "subject": {"reference": patient_url},
        "effectivePeriod": {"start": course.started_on, **({"end": course.ended_on} if course.ended_on else {})},
        "dosage": [{"text": f"{regimen.dose_label} ({regimen.get_route_display().lower()})"}],
    }
    if course.stop_reason:
        statement["statusReason"] = [{"text": course.get_stop_reason_display()}]
    if course.notes:
        statement["note"] = [{"text": course.notes}]
    return statement


def patient_bundle(patient: PatientProfile) -> Bundle:
    """The patient's record as a validated FHIR R4 collection Bundle, in four queries (plus one if the user is not loaded)."""
    patient_url = urn("patient", patient.pk)
    entries: list[tuple[str, dict]] = [(patient_url, patient_resource(patient))]
    scans = (
        DexaScan.objects.for_patient(patient)
        .chronological()
        .select_related("facility")
        .prefetch_related(Prefetch("measurements", queryset=SiteMeasurement.objects.order_by("site")))
    )
    facilities: dict[int, str] = {}
    for scan in scans:
        facility_url = urn("facility", scan.facility_id)
        if scan.facility_id not in facilities:
            facilities[scan.facility_id] = facility_url
            entries.append((facility_url, {"resourceType": "Organization", "name": scan.facility.name}))
        observations = [
            entry
            for m in sorted(scan.measurements.all(), key=lambda m: rules.SITES.index(m.site))
            for entry in measurement_observations(scan, m, patient_url, facility_url)
        ]
        entries.extend(observations)
        report = scan_report(scan, [url for url, _ in observations], patient_url, facility_url)
        entries.append((urn("scan", scan.pk), report))
    for result in LabResult.objects.for_patient(patient).order_by("taken_on", "pk"):
        entries.append((urn("lab", result.pk), lab_observation(result, patient_url)))
    for course in Course.objects.for_patient(patient).order_by("started_on", "pk").select_related("regimen__drug"):
        entries.append((urn("course", course.pk), medication_statement(course, patient_url)))
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": timezone.now(),
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
        }
    )


def bundle_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True)
