from tests.authz import CLINICIANS_AND_ADMINS, FOREIGN_OBJECT, PATIENT_DATA, Case, expect, patient_kwargs
from tests.factories import MembershipFactory


def _membership(w):
    return {"patient_id": w.patient.pk, "membership_id": w.patient.care_team_memberships.get(clinician=w.clinician).pk}


CASES = [
    Case("careteams:patient-list", CLINICIANS_AND_ADMINS),
    Case("careteams:care-team", PATIENT_DATA, kwargs=patient_kwargs),
    # Only the patient themself may revoke; the care team and admins may not.
    Case("careteams:revoke", expect(PATIENT_DATA, clinician=403, admin=403), method="post", kwargs=_membership),
    Case(
        "careteams:revoke",
        FOREIGN_OBJECT,
        method="post",
        label="foreign membership",
        kwargs=lambda w: {"patient_id": w.patient.pk, "membership_id": MembershipFactory(patient=w.other_patient).pk},
    ),
    Case("careteams:access-log", PATIENT_DATA, kwargs=patient_kwargs),
]
