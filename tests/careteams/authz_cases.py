from tests.authz import (
    CLINICIANS_AND_ADMINS,
    FOREIGN_OBJECT,
    LOGIN,
    OK,
    PATIENT_DATA,
    PUBLIC,
    ROLES,
    Case,
    expect,
    patient_kwargs,
)
from tests.careteams.invitation_fixtures import care_team_invitation, staff_invitation
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


# Invitations ------------------------------------------------------------------------------------------------------
# A patient's invitation: only the clinician it was sent to may open or answer it (404 for anyone else, as for a
# wrong link); a staff invitation's link is public (the token is the credential).
ADDRESSEE_ONLY = {role: (LOGIN if role == "anonymous" else 404) for role in ROLES} | {"clinician": OK}
NOBODY = {role: 404 for role in ROLES}


def _invitation_to(w, clinician):
    return care_team_invitation(patient=w.patient, clinician=clinician)[0]


def _open_kwargs(w):
    return {"token": care_team_invitation(patient=w.other_patient, clinician=w.clinician)[1]}


INVITATION_CASES = [
    Case(
        "careteams:invite",
        expect(PATIENT_DATA, clinician=403, admin=403),
        method="post",
        kwargs=patient_kwargs,
        data=lambda w: {"email": "my.doctor@example.org"},
    ),
    Case(
        "careteams:invitation-cancel",
        expect(PATIENT_DATA, clinician=403, admin=403),
        method="post",
        kwargs=lambda w: {"patient_id": w.patient.pk, "invitation_id": _invitation_to(w, w.unassigned_clinician).pk},
    ),
    Case(
        "careteams:invitation-cancel",
        FOREIGN_OBJECT,
        method="post",
        label="another patient's invitation",
        kwargs=lambda w: {
            "patient_id": w.patient.pk,
            "invitation_id": care_team_invitation(patient=w.other_patient, clinician=w.unassigned_clinician)[0].pk,
        },
    ),
    Case("careteams:staff-invitation-accept", PUBLIC, kwargs=lambda w: {"token": staff_invitation()[1]}),
    Case("careteams:staff-invitation-accept", NOBODY, label="wrong token", kwargs=lambda w: {"token": "not-a-real-token"}),
    Case("careteams:invitation-open", ADDRESSEE_ONLY, kwargs=_open_kwargs),
    Case(
        "careteams:invitation-open",
        expect(ADDRESSEE_ONLY, clinician=404, unassigned_clinician=OK),
        label="another clinician's invitation",
        kwargs=lambda w: {"token": care_team_invitation(patient=w.other_patient, clinician=w.unassigned_clinician)[1]},
    ),
    Case(
        "careteams:invitation-respond",
        ADDRESSEE_ONLY,
        method="post",
        kwargs=lambda w: {"invitation_id": care_team_invitation(patient=w.other_patient, clinician=w.clinician)[0].pk},
        data=lambda w: {"answer": "decline"},
    ),
    Case(
        "careteams:invitation-respond",
        expect(ADDRESSEE_ONLY, clinician=404, unassigned_clinician=OK),
        method="post",
        label="another clinician's invitation",
        kwargs=lambda w: {"invitation_id": care_team_invitation(patient=w.other_patient, clinician=w.unassigned_clinician)[0].pk},
        data=lambda w: {"answer": "accept"},
    ),
]
CASES += INVITATION_CASES
