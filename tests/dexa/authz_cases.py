import datetime as dt

from django.utils import timezone

from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs
from tests.dexa.factories import make_scan

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
