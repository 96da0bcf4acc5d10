"""The medication pages (bonetrack/patients/medications.py): the patient and their care team only; another
patient's course or dose is not found, even under the patient's own URL."""

import datetime as dt

from tests.authz import FOREIGN_OBJECT, PATIENT_DATA, PUBLIC, Case, patient_kwargs
from tests.factories import CourseFactory, DoseFactory, catalogue_regimen

NOT_ALLOWED = {role: 405 for role in PUBLIC}


def course_data(w) -> dict:
    regimen = catalogue_regimen("alendronate-70mg-weekly")
    return {"regimen": regimen.pk, "started_on": "2024-01-01", "prescriber": "Dr Lee", "notes": "Weekly, Sunday mornings"}


def _course(owner: str, **fields):
    def kwargs(w) -> dict:
        course = CourseFactory(
            patient=getattr(w, owner), regimen_slug="raloxifene-60mg-daily", started_on=dt.date(2024, 1, 1), **fields
        )
        return {"patient_id": w.patient.pk, "course_id": course.pk}

    return kwargs


def _dose(owner: str, *, foreign_course: bool = False):
    def kwargs(w) -> dict:
        course = CourseFactory(patient=getattr(w, owner), started_on=dt.date(2024, 1, 1))
        dose = DoseFactory(course=course, on=dt.date(2024, 1, 8))
        course_id = CourseFactory(patient=w.patient, regimen_slug="raloxifene-60mg-daily").pk if foreign_course else course.pk
        return {"patient_id": w.patient.pk, "course_id": course_id, "dose_id": dose.pk}

    return kwargs


CASES = [
    Case("medications:course-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case("medications:course-list", PATIENT_DATA, kwargs=patient_kwargs, method="post", label="add", data=course_data),
    Case(
        "medications:course-list",
        PATIENT_DATA,
        kwargs=patient_kwargs,
        method="post",
        label="invalid post",
        data=lambda w: course_data(w) | {"started_on": "1900-01-01"},
    ),
    Case("medications:course-detail", PATIENT_DATA, kwargs=_course("patient")),
    Case(
        "medications:course-detail",
        PATIENT_DATA,
        kwargs=_course("patient"),
        method="post",
        label="record a dose",
        data=lambda w: {"on": "2024-02-01", "status": "taken"},
    ),
    Case("medications:course-detail", FOREIGN_OBJECT, kwargs=_course("other_patient"), label="foreign course"),
    Case("medications:course-edit", PATIENT_DATA, kwargs=_course("patient")),
    Case(
        "medications:course-edit",
        PATIENT_DATA,
        kwargs=_course("patient"),
        method="post",
        data=lambda w: course_data(w) | {"ended_on": "2024-06-01", "stop_reason": "cost"},
    ),
    Case("medications:course-edit", FOREIGN_OBJECT, kwargs=_course("other_patient"), label="foreign course"),
    Case("medications:course-stop", PATIENT_DATA, kwargs=_course("patient")),
    Case(
        "medications:course-stop",
        PATIENT_DATA,
        kwargs=_course("patient"),
        method="post",
        data=lambda w: {"ended_on": "2024-06-01", "stop_reason": "side_effects"},
    ),
    Case(
        "medications:course-stop",
        FOREIGN_OBJECT,
        kwargs=_course("other_patient"),
        method="post",
        label="foreign course",
        data=lambda w: {"ended_on": "2024-06-01", "stop_reason": "side_effects"},
    ),
    Case("medications:course-delete", PATIENT_DATA, kwargs=_course("patient"), method="post"),
    Case("medications:course-delete", FOREIGN_OBJECT, kwargs=_course("other_patient"), method="post", label="foreign course"),
    Case("medications:course-delete", NOT_ALLOWED, kwargs=_course("patient"), label="get not allowed"),
    Case("medications:dose-tick", PATIENT_DATA, kwargs=_course("patient"), method="post"),
    Case("medications:dose-tick", PATIENT_DATA, kwargs=_course("patient"), method="post", htmx=True, label="htmx"),
    Case("medications:dose-tick", FOREIGN_OBJECT, kwargs=_course("other_patient"), method="post", label="foreign course"),
    Case("medications:dose-tick", NOT_ALLOWED, kwargs=_course("patient"), label="get not allowed"),
    Case("medications:dose-delete", PATIENT_DATA, kwargs=_dose("patient"), method="post"),
    Case(
        "medications:dose-delete",
        PATIENT_DATA,
        kwargs=_dose("patient"),
        method="post",
        htmx=True,
        label="htmx from the list",
        data=lambda w: {"return_to": "list"},
    ),
    Case("medications:dose-delete", FOREIGN_OBJECT, kwargs=_dose("other_patient"), method="post", label="foreign dose"),
    Case(
        "medications:dose-delete",
        FOREIGN_OBJECT,
        kwargs=_dose("other_patient", foreign_course=True),
        method="post",
        label="foreign dose under own course",
    ),
    Case("medications:dose-delete", NOT_ALLOWED, kwargs=_dose("patient"), label="get not allowed"),
]
