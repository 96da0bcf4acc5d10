from tests.authz import FOREIGN_OBJECT, OK, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs
from tests.factories import PASSWORD, FallFactory, FractureFactory

# Only the patient deletes their own account: the care team sees the record but may not (403); admins use the admin.
ACCOUNT_DELETE = expect(PATIENT_DATA, clinician=403, admin=403)

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
    Case("patients:risk-factors", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "patients:risk-factors",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"smoking": "former", "alcohol_units_per_week": "7", "glucocorticoids": "never"},
    ),
    Case(
        "patients:fall-add",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"fall-occurred_on": "2024-02-03", "fall-injury": "on", "fall-notes": "Slipped on ice"},
    ),
    Case("patients:fall-add", {role: 405 for role in PUBLIC}, label="get not allowed", kwargs=patient_kwargs),
    Case(
        "patients:fall-delete",
        expect(PATIENT_DATA),
        method="post",
        kwargs=lambda w: {"patient_id": w.patient.pk, "fall_id": FallFactory(patient=w.patient).pk},
    ),
    Case(
        "patients:fall-delete",
        FOREIGN_OBJECT,
        method="post",
        label="foreign fall",
        kwargs=lambda w: {"patient_id": w.patient.pk, "fall_id": FallFactory(patient=w.other_patient).pk},
    ),
    Case(
        "patients:fall-delete",
        {role: 405 for role in PUBLIC},
        label="get not allowed",
        kwargs=lambda w: {"patient_id": w.patient.pk, "fall_id": FallFactory(patient=w.patient).pk},
    ),
    Case("patients:account-delete", ACCOUNT_DELETE, kwargs=patient_kwargs),
    Case(
        "patients:account-delete",
        expect(ACCOUNT_DELETE, self=422),
        kwargs=patient_kwargs,
        method="post",
        label="wrong password",
        data=lambda w: {"password": "not-the-password", "confirm": "on"},
    ),
    Case(
        "patients:account-delete",
        expect(ACCOUNT_DELETE, self=OK),
        kwargs=patient_kwargs,
        method="post",
        label="deleted",
        data=lambda w: {"password": PASSWORD, "confirm": "on"},
    ),
    Case("patients:account-deleted", PUBLIC),
]
