from bonetrack.clinic.models import ClinicalNote
from tests.authz import CLINICIANS_AND_ADMINS, FOREIGN_OBJECT, PATIENT_DATA, Case, expect, patient_kwargs

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


def _note_kwargs(owner: str):
    """A note written just now by the assigned clinician (its author), on `owner`'s record."""

    def kwargs(w):
        note = ClinicalNote.objects.create(patient=getattr(w, owner), author=w.clinician, body="Seen today.")
        return {"patient_id": w.patient.pk, "note_id": note.pk}

    return kwargs


# Only the note's author edits it (the admin and the patient: 403); another patient's note is found by no one.
NOTE_AUTHOR_ONLY = expect(CARE_TEAM_ONLY, admin=403)
FOREIGN_NOTE = expect(FOREIGN_OBJECT, self=403)

CASES += [
    Case("clinic:note-edit", NOTE_AUTHOR_ONLY, kwargs=_note_kwargs("patient")),
    Case("clinic:note-edit", NOTE_AUTHOR_ONLY, kwargs=_note_kwargs("patient"), method="post", data=lambda w: {"body": "Seen."}),
    Case(
        "clinic:note-edit",
        expect(NOTE_AUTHOR_ONLY, clinician=422),
        kwargs=_note_kwargs("patient"),
        method="post",
        label="invalid",
        data=lambda w: {"body": ""},
    ),
    Case("clinic:note-edit", FOREIGN_NOTE, kwargs=_note_kwargs("other_patient"), label="foreign note"),
    Case(
        "clinic:note-edit",
        FOREIGN_NOTE,
        kwargs=_note_kwargs("other_patient"),
        method="post",
        label="foreign note",
        data=lambda w: {"body": "Seen."},
    ),
]
