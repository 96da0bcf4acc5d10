from tests.authz import PATIENT_DATA, Case, expect, patient_kwargs

# The checklist and the time zone are the patient's own to answer: the care team and admins get 403.
OWN_ANSWER = expect(PATIENT_DATA, clinician=403, admin=403)

CASES = [
    Case("dashboard:patient-dashboard", PATIENT_DATA, kwargs=patient_kwargs),
    Case("dashboard:checklist", OWN_ANSWER, kwargs=patient_kwargs, method="post", data=lambda w: {"answer": "no-scan"}),
    Case("dashboard:time-zone", OWN_ANSWER, kwargs=patient_kwargs),
    Case("dashboard:time-zone", OWN_ANSWER, kwargs=patient_kwargs, method="post", data=lambda w: {"time_zone": "Europe/London"}),
    Case(
        "dashboard:time-zone",
        OWN_ANSWER,
        kwargs=patient_kwargs,
        label="detected",
        data=lambda w: {"detected": "Europe/London"},
    ),
]
