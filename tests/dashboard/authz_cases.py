from tests.authz import PATIENT_DATA, Case, patient_kwargs

CASES = [Case("dashboard:patient-dashboard", PATIENT_DATA, kwargs=patient_kwargs)]
