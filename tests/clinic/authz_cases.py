from tests.authz import CLINICIANS_AND_ADMINS, PATIENT_DATA, Case, expect, patient_kwargs

# Care-team actions: the patient may not write clinician notes or set their own scan interval or treatment goal.
CARE_TEAM_ONLY = expect(PATIENT_DATA, self=403)

CASES = [
    Case("clinic:worklist", CLINICIANS_AND_ADMINS),
    Case("clinic:worklist", CLINICIANS_AND_ADMINS, label="htmx sorted", htmx=True, data=lambda w: {"sort": "-age", "q": "a"}),
    Case("clinic:worklist-csv", CLINICIANS_AND_ADMINS),
    Case("clinic:worklist-csv", CLINICIANS_AND_ADMINS, label="filtered", data=lambda w: {"filter": "overdue", "sort": "-age"}),
    Case("clinic:timeline", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "clinic:timeline",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        label="htmx older page",
        htmx=True,
        data=lambda w: {"before": "2024-01-01T00:00:00+00:00", "kinds": "note"},
    ),
    Case("clinic:note-add", CARE_TEAM_ONLY, kwargs=patient_kwargs),
    Case("clinic:note-add", CARE_TEAM_ONLY, kwargs=patient_kwargs, method="post", data=lambda w: {"body": "Seen today."}),
    Case("clinic:note-add", CARE_TEAM_ONLY, kwargs=patient_kwargs, method="post", label="invalid", data=lambda w: {"body": ""}),
    Case("clinic:scan-interval", CARE_TEAM_ONLY, kwargs=patient_kwargs),
    Case(
        "clinic:scan-interval",
        CARE_TEAM_ONLY,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"scan_interval_months": "24"},
    ),
    Case("clinic:goal", CARE_TEAM_ONLY, kwargs=patient_kwargs),
    Case(
        "clinic:goal",
        CARE_TEAM_ONLY,
        kwargs=patient_kwargs,
        method="post",
        data=lambda w: {"goal": "-2.0", "reason": "Vertebral fragility fracture in 2019."},
    ),
    Case("clinic:goal", CARE_TEAM_ONLY, kwargs=patient_kwargs, method="post", label="invalid", data=lambda w: {"goal": "-2.0"}),
]
