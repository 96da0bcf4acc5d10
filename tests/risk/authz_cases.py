from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, expect, patient_kwargs
from tests.risk.factories import FraxResultFactory


def _result_kwargs(owner: str):
    return lambda w: {"patient_id": w.patient.pk, "result_id": FraxResultFactory(patient=getattr(w, owner)).pk}


VALID = {"assessed_on": "2024-05-01", "major_percent": "18.5", "hip_percent": "2.4", "with_bmd": "on"}

CASES = [
    Case("risk:frax", PATIENT_DATA, kwargs=patient_kwargs),
    Case("risk:frax", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="add", data=lambda w: VALID),
    # A form sent back with its errors answers 422 to those who may see the record.
    Case(
        "risk:frax",
        expect(PATIENT_DATA, self=422, clinician=422, admin=422),
        kwargs=patient_kwargs,
        method="post",
        label="invalid post",
        data=lambda w: VALID | {"hip_percent": "30"},
    ),
    Case("risk:frax-delete", PATIENT_DATA, method="post", kwargs=_result_kwargs("patient")),
    Case("risk:frax-delete", FOREIGN_OBJECT, method="post", label="foreign FRAX result", kwargs=_result_kwargs("other_patient")),
    Case("risk:frax-delete", {role: 405 for role in PUBLIC}, label="get not allowed", kwargs=_result_kwargs("patient")),
]
