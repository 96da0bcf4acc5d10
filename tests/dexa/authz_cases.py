import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs
from tests.dexa.factories import make_scan
from tests.dexa.reading_fixtures import PDF_BYTES, finished_reading
from tests.dexa.report_samples import pdf_upload, stored_report

STAFF_ONLY = expect(PATIENT_DATA, self=403)
CLINICIAN_ONLY = expect(PATIENT_DATA, self=403, admin=403)


def _scan(patient, **kwargs):
    return make_scan(patient, dt.date(2022, 3, 1), {"lumbar_spine": ("0.800", "-2.0")}, **kwargs)


def own_scan(w):
    return {"patient_id": w.patient.pk, "scan_id": _scan(w.patient).pk}


def verified_scan(w):
    return {"patient_id": w.patient.pk, "scan_id": _scan(w.patient, verified_by=w.clinician, verified_at=timezone.now()).pk}


def foreign_scan(w):
    return {"patient_id": w.patient.pk, "scan_id": _scan(w.other_patient).pk}


INVALID = {"scanned_on": "2099-01-01", "lumbar_spine-bmd": "9"}
VALIDATE = {"_validate": "1", "lumbar_spine-bmd": "0.9"}
NOT_ALLOWED = {role: 405 for role in PUBLIC}

CASES = [
    Case("dexa:scan-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case("dexa:scan-add", PATIENT_DATA, kwargs=patient_kwargs),
    Case("dexa:scan-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="invalid", data=lambda w: INVALID),
    Case(
        "dexa:scan-add", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="validate", data=lambda w: VALIDATE, htmx=True
    ),
    Case("dexa:scan-detail", PATIENT_DATA, kwargs=own_scan),
    Case("dexa:scan-detail", FOREIGN_OBJECT, kwargs=foreign_scan, label="foreign scan"),
    Case("dexa:scan-edit", PATIENT_DATA, kwargs=own_scan),
    Case("dexa:scan-edit", PATIENT_DATA, kwargs=own_scan, method="post", label="invalid", data=lambda w: INVALID),
    Case("dexa:scan-edit", expect(PATIENT_DATA, self=403), kwargs=verified_scan, label="verified"),
    Case(
        "dexa:scan-edit",
        expect(PATIENT_DATA, self=403),
        kwargs=verified_scan,
        method="post",
        label="verified",
        data=lambda w: INVALID,
    ),
    Case("dexa:scan-edit", FOREIGN_OBJECT, kwargs=foreign_scan, label="foreign scan"),
    Case("dexa:scan-edit", FOREIGN_OBJECT, kwargs=foreign_scan, method="post", label="foreign scan", data=lambda w: INVALID),
    Case("dexa:scan-delete", PATIENT_DATA, kwargs=own_scan, method="post"),
    Case("dexa:scan-delete", expect(PATIENT_DATA, self=403), kwargs=verified_scan, method="post", label="verified"),
    Case("dexa:scan-delete", FOREIGN_OBJECT, kwargs=foreign_scan, method="post", label="foreign scan"),
    Case("dexa:scan-delete", NOT_ALLOWED, kwargs=own_scan, label="get not allowed"),
    Case("dexa:scan-verify", CLINICIAN_ONLY, kwargs=own_scan, method="post"),
    Case("dexa:scan-verify", FOREIGN_OBJECT, kwargs=foreign_scan, method="post", label="foreign scan"),
    Case("dexa:scan-verify", NOT_ALLOWED, kwargs=own_scan, label="get not allowed"),
    Case("dexa:scan-import", STAFF_ONLY, kwargs=patient_kwargs),
    Case(
        "dexa:scan-import",
        STAFF_ONLY,
        kwargs=patient_kwargs,
        method="post",
        label="commit with errors",
        data=lambda w: {"csv_text": "x"},
    ),
    Case("dexa:scan-import-preview", STAFF_ONLY, kwargs=patient_kwargs, method="post", data=lambda w: {}),
    Case("dexa:scan-import-preview", NOT_ALLOWED, kwargs=patient_kwargs, label="get not allowed"),
]

# Reading a scan's values from its report (dexa.reading_views and views.scan_from_report).


def own_reading(w):
    return {"patient_id": w.patient.pk, "reading_id": finished_reading(w.patient).pk}


def foreign_reading(w):
    return {"patient_id": w.patient.pk, "reading_id": finished_reading(w.other_patient).pk}


def _upload(w):
    return {"file": SimpleUploadedFile("report.pdf", PDF_BYTES)}


CASES += [
    Case("dexa:scan-read", PATIENT_DATA, kwargs=patient_kwargs),
    Case("dexa:scan-read", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="no file", data=lambda w: {}),
    Case("dexa:scan-read", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="a report", data=_upload),
    Case("dexa:scan-reading", PATIENT_DATA, kwargs=own_reading),
    Case("dexa:scan-reading", FOREIGN_OBJECT, kwargs=foreign_reading, label="foreign reading"),
    Case("dexa:scan-reading-status", PATIENT_DATA, kwargs=own_reading, htmx=True),
    Case("dexa:scan-reading-status", FOREIGN_OBJECT, kwargs=foreign_reading, label="foreign reading"),
    Case("dexa:scan-from-report", PATIENT_DATA, kwargs=own_reading),
    Case("dexa:scan-from-report", PATIENT_DATA, kwargs=own_reading, method="post", label="invalid", data=lambda w: INVALID),
    Case("dexa:scan-from-report", FOREIGN_OBJECT, kwargs=foreign_reading, label="foreign reading"),
    Case(
        "dexa:scan-from-report",
        FOREIGN_OBJECT,
        kwargs=foreign_reading,
        method="post",
        label="foreign reading",
        data=lambda w: INVALID,
    ),
]

# The scan's report file (dexa.report_views): attach, download, remove.


def _own_report(w, *, by=None):
    scan = _scan(w.patient)
    return {"patient_id": w.patient.pk, "report_id": stored_report(w.patient, by=by or w.patient.user, scan=scan).pk}


def _foreign_report(w):
    report = stored_report(w.other_patient, by=w.other_patient.user, scan=_scan(w.other_patient))
    return {"patient_id": w.patient.pk, "report_id": report.pk}


def _report_upload(w):
    return {"file": pdf_upload()}


REFUSED = expect(PATIENT_DATA, self=422, clinician=422, admin=422)

CASES += [
    Case("dexa:report-add", PATIENT_DATA, kwargs=own_scan),
    Case("dexa:report-add", PATIENT_DATA, kwargs=own_scan, method="post", data=_report_upload),
    Case("dexa:report-add", REFUSED, kwargs=own_scan, method="post", label="no file", data=lambda w: {}),
    Case("dexa:report-add", FOREIGN_OBJECT, kwargs=foreign_scan, label="foreign scan"),
    Case("dexa:report-add", FOREIGN_OBJECT, kwargs=foreign_scan, method="post", label="foreign scan", data=_report_upload),
    Case("dexa:report-download", PATIENT_DATA, kwargs=_own_report),
    Case("dexa:report-download", FOREIGN_OBJECT, kwargs=_foreign_report, label="foreign report"),
    Case("dexa:report-delete", PATIENT_DATA, kwargs=_own_report, method="post"),
    Case(
        "dexa:report-delete",
        expect(PATIENT_DATA, self=403),
        kwargs=lambda w: _own_report(w, by=w.clinician),
        method="post",
        label="care team's report",
    ),
    Case("dexa:report-delete", FOREIGN_OBJECT, kwargs=_foreign_report, method="post", label="foreign report"),
    Case("dexa:report-delete", NOT_ALLOWED, kwargs=_own_report, label="get not allowed"),
]
