"""Deleted items for the apps' authorization cases and tests: a row of a patient's, moved to the recycle bin."""

from bonetrack.undo.services import delete_with_undo


def deleted(row, patient, *, related=()):
    """`row` of `patient` deleted with undo (by the patient), as a DeletedItem."""
    return delete_with_undo(row, patient=patient, by=patient.user, description=f"{row}", related=related)


def undo_kwargs(make, owner: str):
    """URL kwargs naming the world's patient and a deleted item of `owner` ("patient" or "other_patient")."""

    def kwargs(w):
        patient = getattr(w, owner)
        return {"patient_id": w.patient.pk, "deleted_id": make(patient).pk}

    return kwargs
