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


def _fracture_kwargs(owner: str, **fields):
    return lambda w: {"patient_id": w.patient.pk, "fracture_id": FractureFactory(patient=getattr(w, owner), **fields).pk}


def _fracture_by_clinician(w):
    return {"patient_id": w.patient.pk, "fracture_id": FractureFactory(patient=w.patient, recorded_by=w.clinician).pk}


FRACTURE = {"site": "hip", "occurred_on": "2021-06-01", "fragility": "on", "on_glucocorticoids": "on", "notes": "Slipped"}
CARE_TEAMS_ENTRY = expect(PATIENT_DATA, self=403)

# Correcting a fracture; a patient may neither correct nor delete one their care team recorded.
CASES += [
    Case("patients:fracture-edit", PATIENT_DATA, kwargs=_fracture_kwargs("patient")),
    Case(
        "patients:fracture-edit",
        PATIENT_DATA,
        method="post",
        label="valid",
        kwargs=_fracture_kwargs("patient"),
        data=lambda w: FRACTURE,
    ),
    Case("patients:fracture-edit", FOREIGN_OBJECT, label="foreign fracture", kwargs=_fracture_kwargs("other_patient")),
    Case(
        "patients:fracture-edit",
        FOREIGN_OBJECT,
        method="post",
        label="foreign fracture",
        kwargs=_fracture_kwargs("other_patient"),
        data=lambda w: FRACTURE,
    ),
    Case("patients:fracture-edit", CARE_TEAMS_ENTRY, label="care team's fracture", kwargs=_fracture_by_clinician),
    Case(
        "patients:fracture-edit",
        CARE_TEAMS_ENTRY,
        method="post",
        label="care team's fracture",
        kwargs=_fracture_by_clinician,
        data=lambda w: FRACTURE,
    ),
    Case(
        "patients:fracture-edit",
        expect(PATIENT_DATA, self=422, clinician=422, admin=422),
        method="post",
        label="invalid",
        kwargs=_fracture_kwargs("patient"),
        data=lambda w: FRACTURE | {"occurred_on": "2999-01-01"},
    ),
    Case(
        "patients:fracture-delete", CARE_TEAMS_ENTRY, method="post", label="care team's fracture", kwargs=_fracture_by_clinician
    ),
]
