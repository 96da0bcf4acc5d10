import datetime as dt

from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, Case, patient_kwargs
from tests.dexa.factories import make_scan

SITES = {"lumbar_spine": ("0.800", "-2.0"), "total_hip": ("0.700", "-1.8")}


def _pair(owner: str):
    """Two scans of `owner` ("patient" or "other_patient"), as the report's `window` parameter."""

    def data(world):
        person = getattr(world, owner)
        earlier = make_scan(person, dt.date(2022, 3, 1), SITES)
        later = make_scan(person, dt.date(2024, 3, 1), SITES)
        return {"window": f"{earlier.pk}-{later.pk}"}

    return data


def _since(owner: str):
    def data(world):
        scan = make_scan(getattr(world, owner), dt.date(2024, 3, 1), SITES)
        return {"window": f"{scan.pk}-today"}

    return data


CASES = [
    Case("progress:report", PATIENT_DATA, kwargs=patient_kwargs),
    Case("progress:report", PATIENT_DATA, kwargs=patient_kwargs, label="pair", data=_pair("patient")),
    Case("progress:report", PATIENT_DATA, kwargs=patient_kwargs, label="since", data=_since("patient")),
    Case("progress:report", PATIENT_DATA, kwargs=patient_kwargs, label="htmx", data=_pair("patient"), htmx=True),
    Case("progress:report", FOREIGN_OBJECT, kwargs=patient_kwargs, label="foreign scans", data=_pair("other_patient")),
    Case("progress:report", FOREIGN_OBJECT, kwargs=patient_kwargs, label="foreign since", data=_since("other_patient")),
]
