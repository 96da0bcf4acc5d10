from tests.authz import PATIENT_DATA, Case, patient_kwargs

CASES = [Case("audit:access-log", PATIENT_DATA, kwargs=patient_kwargs)]
