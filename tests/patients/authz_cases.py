from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs
from tests.factories import FractureFactory

CASES = [
    Case("patients:profile", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "patients:profile",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        label="invalid post",
        data=lambda w: {"user-first_name": ""},
    ),
    Case("patients:fracture-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "patients:fracture-delete",
        expect(PATIENT_DATA),
        method="post",
        kwargs=lambda w: {"patient_id": w.patient.pk, "fracture_id": FractureFactory(patient=w.patient).pk},
    ),
    Case(
        "patients:fracture-delete",
        FOREIGN_OBJECT,
        method="post",
        label="foreign fracture",
        kwargs=lambda w: {"patient_id": w.patient.pk, "fracture_id": FractureFactory(patient=w.other_patient).pk},
    ),
    Case(
        "patients:fracture-delete",
        {role: 405 for role in PUBLIC},
        label="get not allowed",
        kwargs=lambda w: {"patient_id": w.patient.pk, "fracture_id": FractureFactory(patient=w.patient).pk},
    ),
]
