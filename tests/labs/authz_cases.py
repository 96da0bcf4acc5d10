from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs
from tests.labs.factories import LabResultFactory
from tests.undo.helpers import deleted, undo_kwargs


def _result_kwargs(owner: str):
    return lambda w: {"patient_id": w.patient.pk, "lab_id": LabResultFactory(patient=getattr(w, owner)).pk}


def _deleted_result(patient):
    return deleted(LabResultFactory(patient=patient), patient)


VALID = {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L"}

CASES = [
    Case("labs:lab-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case("labs:lab-list", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="add", data=lambda w: VALID),
    Case(
        "labs:lab-list",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        label="invalid post",
        data=lambda w: VALID | {"entered_value": "900"},
    ),
    Case("labs:lab-delete", PATIENT_DATA, method="post", kwargs=_result_kwargs("patient")),
    Case("labs:lab-delete", FOREIGN_OBJECT, method="post", label="foreign lab result", kwargs=_result_kwargs("other_patient")),
    Case("labs:lab-delete", PATIENT_DATA, kwargs=_result_kwargs("patient")),
    Case("labs:lab-delete", FOREIGN_OBJECT, label="foreign confirmation page", kwargs=_result_kwargs("other_patient")),
    Case("labs:lab-undo", PATIENT_DATA, method="post", kwargs=undo_kwargs(_deleted_result, "patient")),
    Case("labs:lab-undo", FOREIGN_OBJECT, method="post", label="foreign", kwargs=undo_kwargs(_deleted_result, "other_patient")),
    Case("labs:lab-undo", {role: 405 for role in PUBLIC}, label="get", kwargs=undo_kwargs(_deleted_result, "patient")),
]


def _entered_by_clinician(w):
    return {"patient_id": w.patient.pk, "lab_id": LabResultFactory(patient=w.patient, entered_by=w.clinician).pk}


# Correcting a result: a patient may not change one their care team entered (403; the care team may).
CASES += [
    Case("labs:lab-edit", PATIENT_DATA, kwargs=_result_kwargs("patient")),
    Case("labs:lab-edit", PATIENT_DATA, method="post", label="valid", kwargs=_result_kwargs("patient"), data=lambda w: VALID),
    Case("labs:lab-edit", FOREIGN_OBJECT, label="foreign lab result", kwargs=_result_kwargs("other_patient")),
    Case(
        "labs:lab-edit",
        FOREIGN_OBJECT,
        method="post",
        label="foreign lab result",
        kwargs=_result_kwargs("other_patient"),
        data=lambda w: VALID,
    ),
    Case("labs:lab-edit", expect(PATIENT_DATA, self=403), label="care team's result", kwargs=_entered_by_clinician),
    Case(
        "labs:lab-edit",
        expect(PATIENT_DATA, self=403),
        method="post",
        label="care team's result",
        kwargs=_entered_by_clinician,
        data=lambda w: VALID,
    ),
    Case(
        "labs:lab-edit",
        expect(PATIENT_DATA, self=422, clinician=422, admin=422),
        method="post",
        label="invalid",
        kwargs=_result_kwargs("patient"),
        data=lambda w: VALID | {"entered_value": "900"},
    ),
]
