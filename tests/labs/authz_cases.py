from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, patient_kwargs
from tests.labs.factories import LabResultFactory


def _result_kwargs(owner: str):
    return lambda w: {"patient_id": w.patient.pk, "lab_id": LabResultFactory(patient=getattr(w, owner)).pk}


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
    Case("labs:lab-delete", {role: 405 for role in PUBLIC}, label="get not allowed", kwargs=_result_kwargs("patient")),
]
