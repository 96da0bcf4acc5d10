"""Patients invite their clinician; the clinician accepts or declines; every change to the team is on the timeline."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from bonetrack.audit.models import RecordEvent
from bonetrack.careteams.models import CareTeamInvitation, CareTeamMembership
from bonetrack.careteams.services import (
    InvitationStatus,
    care_team_invitation_accept,
    care_team_invitation_create,
    invitation_status,
)
from tests.careteams.invitation_fixtures import care_team_invitation
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory

LINK = re.compile(r"https?://[^/\s]+(/invitations/care-team/([A-Za-z0-9_-]+)/)")
NEUTRAL = "We&#x27;ve sent your invitation to {email}. You&#x27;ll see here when it is accepted."
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _care_team_url(patient):
    return reverse("careteams:care-team", kwargs={"patient_id": patient.pk})


def _invite(client, patient, email, capture):
    with capture(execute=True):
        return client.post(reverse("careteams:invite", kwargs={"patient_id": patient.pk}), {"email": email}, follow=True)


def _events(patient, kind):
    return list(RecordEvent.objects.filter(patient=patient, kind=kind))


@pytest.fixture
def doctor(db):
    return ClinicianFactory(email="dr.rivers@example.org", first_name="Ada", last_name="Rivers")


def test_patient_invites_a_clinician_who_accepts_from_the_email(
    client, patient_client, patient, doctor, django_capture_on_commit_callbacks
):
    response = _invite(patient_client, patient, "Dr.Rivers@example.org", django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert NEUTRAL.format(email="dr.rivers@example.org") in page
    assert "Waiting for an answer" in page
    invitation = CareTeamInvitation.objects.get()
    assert invitation.clinician == doctor
    (message,) = mail.outbox
    assert message.to == [doctor.email] and patient.name in message.subject
    link = LINK.search(message.body).group(1)
    (invited,) = _events(patient, "care_team_invited")
    assert invited.actor == patient.user and "dr.rivers@example.org" in invited.summary

    client.force_login(doctor)
    opened = client.get(link)
    assert opened.status_code == 200 and f"{patient.name} invites you to their care team" in opened.content.decode()
    accepted = client.post(link, {"answer": "accept"})
    assert accepted.url == reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    assert patient.care_team_memberships.active().filter(clinician=doctor).exists()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    (joined,) = _events(patient, "care_team_joined")
    assert joined.actor == doctor and joined.details["how"] == "invitation accepted"
    assert client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).status_code == 200
    # Single use: the link now says so and changes nothing.
    again = client.post(link, {"answer": "decline"})
    assert again.status_code == 410 and "already accepted" in again.content.decode()
    assert CareTeamInvitation.objects.get().declined_at is None


def test_the_same_neutral_answer_whether_or_not_the_address_is_a_clinician(
    patient_client, patient, doctor, django_capture_on_commit_callbacks
):
    AdminFactory(email="ops@example.org")
    known = _invite(patient_client, patient, doctor.email, django_capture_on_commit_callbacks).content.decode()
    unknown = _invite(patient_client, patient, "someone@example.org", django_capture_on_commit_callbacks).content.decode()
    assert NEUTRAL.format(email=doctor.email) in known
    assert NEUTRAL.format(email="someone@example.org") in unknown
    request = CareTeamInvitation.objects.get(email="someone@example.org")
    assert request.clinician is None
    # Nothing goes to the unknown address: the administrators are asked instead (the patient is not named).
    assert not [m for m in mail.outbox if "someone@example.org" in m.to]
    (to_admins,) = [m for m in mail.outbox if m.to == ["ops@example.org"]]
    assert "someone@example.org" in to_admins.body and patient.name not in to_admins.body
    assert "needs_account=yes" in to_admins.body
    assert invitation_status(patient).state == "pending"


def test_a_patient_account_or_an_admin_address_is_not_a_clinician(patient_client, patient, django_capture_on_commit_callbacks):
    other = PatientFactory()
    AdminFactory(email="boss@example.org")
    _invite(patient_client, patient, other.user.email, django_capture_on_commit_callbacks)
    _invite(patient_client, patient, "boss@example.org", django_capture_on_commit_callbacks)
    assert set(CareTeamInvitation.objects.values_list("clinician", flat=True)) == {None}


def test_a_clinician_already_on_the_team_is_refused_next_to_the_field(patient_client, patient, clinician):
    response = patient_client.post(reverse("careteams:invite", kwargs={"patient_id": patient.pk}), {"email": clinician.email})
    assert response.status_code == 422
    assert "already on your care team" in response.content.decode() and 'aria-invalid="true"' in response.content.decode()
    assert response.context["form"]["email"].value() == clinician.email
    assert not CareTeamInvitation.objects.exists()


def test_inviting_twice_keeps_one_waiting_invitation(patient_client, patient, doctor, django_capture_on_commit_callbacks):
    _invite(patient_client, patient, doctor.email, django_capture_on_commit_callbacks)
    _invite(patient_client, patient, doctor.email, django_capture_on_commit_callbacks)
    assert CareTeamInvitation.objects.count() == 1 and len(mail.outbox) == 1


def test_the_patient_cancels_and_the_link_stops_working(
    client, patient_client, patient, doctor, django_capture_on_commit_callbacks
):
    _invite(patient_client, patient, doctor.email, django_capture_on_commit_callbacks)
    invitation = CareTeamInvitation.objects.get()
    link = LINK.search(mail.outbox[0].body).group(1)
    cancel = reverse("careteams:invitation-cancel", kwargs={"patient_id": patient.pk, "invitation_id": invitation.pk})
    response = patient_client.post(cancel, follow=True)
    assert "Invitation to dr.rivers@example.org cancelled" in response.content.decode()
    assert "Waiting for an answer" not in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    assert patient_client.post(cancel).status_code == 404  # only once
    client.force_login(doctor)
    refused = client.post(link, {"answer": "accept"})
    assert refused.status_code == 410 and "withdrawn" in refused.content.decode()
    assert not patient.care_team_memberships.filter(clinician=doctor).exists()
    assert "invites you to their care team" not in client.get(reverse("clinic:worklist")).content.decode()


def test_the_worklist_lists_invitations_to_accept_or_decline(client, patient, doctor, django_assert_max_num_queries):
    other = PatientFactory()
    first, _ = care_team_invitation(patient=patient, clinician=doctor)
    second, _ = care_team_invitation(patient=other, clinician=doctor)
    care_team_invitation(patient=PatientFactory(), clinician=ClinicianFactory())  # someone else's
    client.force_login(doctor)
    page = client.get(reverse("clinic:worklist")).content.decode()
    assert "Invitations from patients (2)" in page and patient.name in page and other.name in page
    respond = "careteams:invitation-respond"
    assert client.post(reverse(respond, kwargs={"invitation_id": first.pk}), {"answer": "accept"}).status_code == 302
    assert client.post(reverse(respond, kwargs={"invitation_id": second.pk}), {"answer": "decline"}).status_code == 302
    assert patient.care_team_memberships.active().filter(clinician=doctor).exists()
    assert not other.care_team_memberships.exists()
    second.refresh_from_db()
    assert second.status == "declined"
    assert not _events(other, "care_team_joined")
    assert "Invitations from patients" not in client.get(reverse("clinic:worklist")).content.decode()
    # The patient sees the answer.
    client.force_login(other.user)
    assert "Declined" in client.get(_care_team_url(other)).content.decode()


def test_the_worklist_reads_invitations_in_one_query(client, doctor, django_assert_max_num_queries):
    client.force_login(doctor)
    client.get(reverse("clinic:worklist"))
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("clinic:worklist"))
    for _ in range(5):
        care_team_invitation(patient=PatientFactory(), clinician=doctor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("clinic:worklist")).content.decode()
    assert "Invitations from patients (5)" in page


def test_another_clinician_cannot_answer_someone_elses_invitation(client, patient, doctor):
    invitation, token = care_team_invitation(patient=patient, clinician=doctor)
    client.force_login(ClinicianFactory())
    link = reverse("careteams:invitation-open", kwargs={"token": token})
    assert client.post(link, {"answer": "accept"}).status_code == 404
    respond = reverse("careteams:invitation-respond", kwargs={"invitation_id": invitation.pk})
    assert client.post(respond, {"answer": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "waiting" and not patient.care_team_memberships.exists()


@pytest.mark.parametrize(("after", "works"), [(dt.timedelta(days=6, hours=23, minutes=59), True), (dt.timedelta(days=7), False)])
def test_a_patients_invitation_can_be_answered_for_seven_days(client, patient, doctor, after, works):
    with time_machine.travel(START, tick=False) as traveller:
        _, token = care_team_invitation(patient=patient, clinician=doctor)
        traveller.move_to(START + after)
        client.force_login(doctor)
        response = client.post(reverse("careteams:invitation-open", kwargs={"token": token}), {"answer": "accept"})
        assert patient.care_team_memberships.filter(clinician=doctor).exists() == works
        if not works:
            assert response.status_code == 410 and "expired" in response.content.decode()
            assert invitation_status(patient).state == "none"


def test_an_expired_invitation_is_replaced_by_a_new_one(patient_client, patient, doctor, django_capture_on_commit_callbacks):
    old, _ = care_team_invitation(patient=patient, clinician=doctor, age=dt.timedelta(days=8))
    _invite(patient_client, patient, doctor.email, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert CareTeamInvitation.objects.usable().get().pk != old.pk


def test_revoking_then_inviting_again_restores_access(
    client, patient_client, patient, clinician, django_capture_on_commit_callbacks
):
    membership = patient.care_team_memberships.get(clinician=clinician)
    patient_client.post(reverse("careteams:revoke", kwargs={"patient_id": patient.pk, "membership_id": membership.pk}))
    (revoked,) = _events(patient, "care_team_revoked")
    assert revoked.actor == patient.user and clinician.display_name in revoked.summary
    invitation = care_team_invitation_create(patient=patient, email=clinician.email, by=patient.user)
    assert care_team_invitation_accept(invitation, clinician=clinician) is not None
    membership.refresh_from_db()
    assert membership.is_active
    assert [e.details["how"] for e in _events(patient, "care_team_joined")] == ["invitation accepted"]


def test_invitation_status_for_the_first_run_checklist(patient, doctor):
    assert invitation_status(patient) == InvitationStatus("none")
    care_team_invitation(patient=patient, clinician=doctor)
    assert invitation_status(patient) == InvitationStatus("pending", clinician_email=doctor.email)
    MembershipFactory(patient=patient, clinician=doctor)
    assert invitation_status(patient) == InvitationStatus("active", clinician_email=doctor.email, clinician_name="Ada Rivers")


def test_admin_assignment_restore_and_removal_are_on_the_timeline(client, patient, doctor):
    admin = AdminFactory()
    client.force_login(admin)
    add = client.post(reverse("admin:careteams_careteammembership_add"), {"patient": patient.pk, "clinician": doctor.pk})
    assert add.status_code == 302
    membership = CareTeamMembership.objects.get()
    membership.revoke(by=patient.user)
    changelist = reverse("admin:careteams_careteammembership_changelist")
    client.post(changelist, {"action": "restore_access", "_selected_action": [membership.pk]})
    assert [(e.actor, e.details["how"]) for e in reversed(_events(patient, "care_team_joined"))] == [
        (admin, "assigned by an administrator"),
        (admin, "access restored by an administrator"),
    ]
    delete = reverse("admin:careteams_careteammembership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    (left,) = _events(patient, "care_team_left")
    assert left.actor == admin and "Ada Rivers left the care team" in left.summary
    assert not CareTeamMembership.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers: PostgreSQL only (CI's second run)")
def test_two_acceptances_at_the_same_moment_join_once(transactional_db):
    from tests.reminders.test_concurrency import run_together

    patient, doctor = PatientFactory(), ClinicianFactory()
    invitation, _ = care_team_invitation(patient=patient, clinician=doctor)
    results = run_together(lambda: care_team_invitation_accept(invitation, clinician=doctor) is not None)
    assert sorted(results) == [False, True]
    assert CareTeamMembership.objects.filter(patient=patient, clinician=doctor).count() == 1
    assert len(_events(patient, "care_team_joined")) == 1
