import datetime as dt
import json
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bonetrack.portability.fhir_import import FhirPreview, ScanResult, SiteResult, sign_preview
from bonetrack.portability.jobs import export_file_name
from bonetrack.portability.models import DOWNLOAD_LIFETIME, ExportJob, ExportStatus, export_root
from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs

NOT_ALLOWED = {role: 405 for role in PUBLIC}
# The other patient's own URLs: only they, the clinician on their team and the admin find them.
FOREIGN_PATIENT = expect(PATIENT_DATA, self=404, other_patient="ok", clinician=404, unassigned_clinician="ok")


def foreign_patient(w):
    return {"patient_id": w.other_patient.pk}


CASES = [
    Case("portability:fhir", PATIENT_DATA, kwargs=patient_kwargs),
    Case("portability:fhir", FOREIGN_PATIENT, kwargs=foreign_patient, label="foreign patient"),
    Case("portability:fhir-bundle", PATIENT_DATA, kwargs=patient_kwargs),
    Case("portability:fhir-bundle", FOREIGN_PATIENT, kwargs=foreign_patient, label="foreign patient"),
    Case("portability:fhir-import-preview", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=lambda w: {}),
    Case(
        "portability:fhir-import-preview",
        FOREIGN_PATIENT,
        kwargs=foreign_patient,
        method="post",
        data=lambda w: {},
        label="foreign patient",
    ),
    Case("portability:fhir-import-preview", NOT_ALLOWED, kwargs=patient_kwargs, label="get not allowed"),
    Case("portability:fhir-import", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=lambda w: {"scans": "x"}),
    Case(
        "portability:fhir-import",
        FOREIGN_PATIENT,
        kwargs=foreign_patient,
        method="post",
        data=lambda w: {"scans": "x"},
        label="foreign patient",
    ),
    Case("portability:fhir-import", NOT_ALLOWED, kwargs=patient_kwargs, label="get not allowed"),
    Case("portability:summary", PATIENT_DATA, kwargs=patient_kwargs),
    Case("portability:summary", FOREIGN_PATIENT, kwargs=foreign_patient, label="foreign patient"),
    Case("portability:summary-pdf", PATIENT_DATA, kwargs=patient_kwargs),
    Case("portability:summary-pdf", FOREIGN_PATIENT, kwargs=foreign_patient, label="foreign patient"),
    Case("portability:export", PATIENT_DATA, kwargs=patient_kwargs),
    Case("portability:export", FOREIGN_PATIENT, kwargs=foreign_patient, label="foreign patient"),
    Case("portability:export", PATIENT_DATA, kwargs=patient_kwargs, method="post", data=lambda w: {}),
    Case(
        "portability:export", FOREIGN_PATIENT, kwargs=foreign_patient, method="post", data=lambda w: {}, label="foreign patient"
    ),
    Case("portability:export-status", PATIENT_DATA, kwargs=lambda w: own_export(w, done=False), htmx=True),
    Case("portability:export-status", FOREIGN_OBJECT, kwargs=lambda w: someone_elses_export(w), label="someone else's job"),
    Case("portability:export-download", PATIENT_DATA, kwargs=lambda w: own_export(w)),
    Case("portability:export-download", FOREIGN_OBJECT, kwargs=lambda w: someone_elses_export(w), label="someone else's job"),
    Case("portability:export-download", FOREIGN_PATIENT, kwargs=lambda w: foreign_export(w), label="foreign patient"),
]


def _export_job(patient, *, done: bool = True) -> ExportJob:
    """An export job of `patient`; a done one has a (small) ZIP file on disk, ready for 24 hours."""
    job = ExportJob.objects.create(patient=patient, requested_by=patient.user)
    if done:
        name = export_file_name(job)
        (export_root() / name).parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(export_root() / name, "w") as archive:
            archive.writestr("README.txt", "test")
        now = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE, progress=100, file_name=name, finished_at=now, expires_at=now + DOWNLOAD_LIFETIME
        )
    return job


def own_export(w, done: bool = True) -> dict:
    return {"patient_id": w.patient.pk, "job_id": _export_job(w.patient, done=done).pk}


def someone_elses_export(w) -> dict:
    """The patient's URL with the other patient's job id: nobody finds it there."""
    return {"patient_id": w.patient.pk, "job_id": _export_job(w.other_patient).pk}


def foreign_export(w) -> dict:
    return {"patient_id": w.other_patient.pk, "job_id": _export_job(w.other_patient).pk}


def fhir_upload_data(w) -> dict:
    """A bundle file with one DXA report of `w.patient` (born 1958-05-20), for the preview."""
    return {"file": SimpleUploadedFile("bundle.json", json.dumps(ONE_REPORT).encode())}


def fhir_confirm_data(w) -> dict:
    """A preview of one scan, signed for `w.patient`, whose facility and make the form asks for."""
    scan = ScanResult(dt.date(2022, 9, 14), "", "", "", [SiteResult("lumbar_spine", "", Decimal("0.801"), Decimal("-2.6"))])
    return {"scans": sign_preview(w.patient, FhirPreview(scans=[scan])), "facility": "Harbour Imaging", "make": "hologic"}


def _observation(n: int, loinc: str, value: float, unit: str) -> dict:
    return {
        "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        },
    }


ONE_REPORT = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {"resource": {"resourceType": "Patient", "birthDate": "1958-05-20"}},
        {
            "resource": {
                "resourceType": "DiagnosticReport",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "83311-1"}]},
                "effectiveDateTime": "2022-09-14",
                "performer": [{"display": "Harbour Imaging"}],
                "result": [
                    {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"},
                    {"reference": "urn:uuid:00000000-0000-4000-8000-000000000002"},
                ],
            }
        },
        _observation(1, "24966-4", 0.801, "g/cm2"),
        _observation(2, "38267-1", -2.6, "{T-Score}"),
    ],
}
