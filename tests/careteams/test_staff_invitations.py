"""Administrators invite staff by email; the invitee sets their own password from a 7-day, single-use link."""

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.db import connection
from django.urls import reverse

from bonetrack.accounts.models import User
from bonetrack.audit.models import RecordEvent
from bonetrack.careteams.models import CareTeamInvitation, StaffInvitation
from bonetrack.careteams.staff_invitations import (
    InvitationUnusable,
    staff_invitation_accept,
    staff_invitation_create,
    staff_invitation_from_requests,
    staff_invitation_resend,
    staff_invitation_revoke,
)
from bonetrack.clinic.devdata.totp import totp_code
from tests.careteams.invitation_fixtures import care_team_invitation
from tests.factories import AdminFactory, ClinicianFactory, PatientFactory

NEW_PASSWORD = "a-long-new-test-passphrase-7"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LINK = re.compile(r"https?://[^/\s]+(/invitations/staff/([A-Za-z0-9_-]+)/)")


def _invite(capture, *, by, email="nina.doctor@example.org", role="clinician", patients=()):
    """Invite through the service; returns the invitation and the link's path from the email."""
    with capture(execute=True):
        invitation = staff_invitation_create(
            email=email, first_name="Nina", last_name="Doctor", role=role, patients=patients, by=by
        )
    return invitation, _last_link(email)


def _last_link(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return LINK.search(message.body).group(1)


def _accept(client, link, **overrides):
    data = {"first_name": "Nina", "last_name": "Doctor", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD} | overrides
    return client.post(link, data)


@pytest.fixture
def admin(db):
    return AdminFactory(time_zone="Europe/London")


def test_the_link_token_is_random_and_only_its_hash_is_stored(admin, django_capture_on_commit_callbacks):
    invitation, _ = _invite(django_capture_on_commit_callbacks, by=admin)
    token = LINK.search(mail.outbox[-1].body).group(2)
    assert len(token) >= 43  # secrets.token_urlsafe(32): 256 bits
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(value) for value in StaffInvitation.objects.filter(pk=invitation.pk).values().get().values())
    assert token not in stored
    second, _ = _invite(django_capture_on_commit_callbacks, by=admin, email="other@example.org")
    assert second.token_hash != invitation.token_hash


# The boundary: a link works for 7 × 24 hours after it was sent; at that moment it has expired.
@pytest.mark.parametrize(
    ("after", "works"),
    [
        (dt.timedelta(days=6, hours=23, minutes=59), True),  # on day 7
        (dt.timedelta(days=7), False),
        (dt.timedelta(days=8), False),  # day 8
    ],
)
def test_the_link_works_for_seven_days(client, admin, django_capture_on_commit_callbacks, after, works):
    with time_machine.travel(START, tick=False) as traveller:
        _, link = _invite(django_capture_on_commit_callbacks, by=admin)
        traveller.move_to(START + after)
        page = client.get(link)
        response = _accept(client, link)
    if works:
        assert page.status_code == 200 and "Choose a password" in page.content.decode()
        assert response.status_code == 302 and User.objects.filter(email="nina.doctor@example.org").exists()
    else:
        for answer in (page, response):
            assert answer.status_code == 410
            assert "This invitation has expired — ask your administrator for a new one." in answer.content.decode()
        assert not User.objects.filter(email="nina.doctor@example.org").exists()
        assert StaffInvitation.objects.get().accepted_at is None


def test_the_link_works_once(client, admin, django_capture_on_commit_callbacks):
    _, link = _invite(django_capture_on_commit_callbacks, by=admin)
    assert _accept(client, link).status_code == 302
    client.logout()
    again = _accept(client, link, password1="another-long-pass-99", password2="another-long-pass-99")
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert client.get(link).status_code == 410
    user = User.objects.get(email="nina.doctor@example.org")
    assert user.check_password(NEW_PASSWORD)  # the second use changed nothing


def test_the_service_refuses_a_second_acceptance_of_the_same_row(admin, django_capture_on_commit_callbacks):
    invitation, _ = _invite(django_capture_on_commit_callbacks, by=admin)
    staff_invitation_accept(invitation, first_name="Nina", last_name="Doctor", password=NEW_PASSWORD)
    with pytest.raises(InvitationUnusable):
        # A stale copy of the row, as a second request racing the first would hold.
        staff_invitation_accept(invitation, first_name="Eve", last_name="Other", password=NEW_PASSWORD)
    assert User.objects.filter(email="nina.doctor@example.org").count() == 1


def test_a_used_link_stays_used_even_after_the_account_is_deleted(admin, django_capture_on_commit_callbacks):
    invitation, _ = _invite(django_capture_on_commit_callbacks, by=admin)
    staff_invitation_accept(invitation, first_name="Nina", last_name="Doctor", password=NEW_PASSWORD)
    User.objects.filter(email=invitation.email).delete()
    with pytest.raises(InvitationUnusable, match="already been used"):
        staff_invitation_accept(invitation, first_name="Eve", last_name="Other", password=NEW_PASSWORD)
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers: PostgreSQL only (CI's second run)")
def test_two_acceptances_at_the_same_moment_create_one_account(transactional_db):
    from tests.reminders.test_concurrency import run_together

    from .invitation_fixtures import staff_invitation

    invitation, _ = staff_invitation()

    def accept():
        try:
            return staff_invitation_accept(invitation, first_name="Nina", last_name="Doctor", password=NEW_PASSWORD).pk
        except InvitationUnusable:
            return None

    results = run_together(accept)
    assert sorted(results, key=bool) == [None, User.objects.get(email=invitation.email).pk]


def test_a_revoked_link_says_so_and_changes_nothing(client, admin, django_capture_on_commit_callbacks):
    invitation, link = _invite(django_capture_on_commit_callbacks, by=admin)
    assert staff_invitation_revoke(invitation, by=admin)
    response = _accept(client, link)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()
    assert not staff_invitation_revoke(invitation, by=admin)  # only once


def test_resending_replaces_the_link(client, admin, django_capture_on_commit_callbacks):
    invitation, old_link = _invite(django_capture_on_commit_callbacks, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_invitation_resend(invitation)
    new_link = _last_link(invitation.email)
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43, "%00"])
def test_a_wrong_link_gets_a_clear_page(client, db, token):
    response = client.get(reverse("careteams:staff-invitation-accept", kwargs={"token": token}))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_an_address_that_got_an_account_meanwhile_is_refused(client, admin, django_capture_on_commit_callbacks):
    _, link = _invite(django_capture_on_commit_callbacks, by=admin)
    PatientFactory(user__email="nina.doctor@example.org")
    response = _accept(client, link)
    assert response.status_code == 410 and "already exists" in response.content.decode()
    assert StaffInvitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "short-1", "password2": "short-1"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password1": "83749203847", "password2": "83749203847"}, "password1", "entirely numeric"),
        ({"password2": "a-different-passphrase"}, "password2", "not the same"),
        ({"password1": "nina.doctor.example", "password2": "nina.doctor.example"}, "password1", "too similar"),
        ({"first_name": ""}, "first_name", "required"),
    ],
)
def test_the_password_rules_apply(client, admin, django_capture_on_commit_callbacks, overrides, field, message):
    _, link = _invite(django_capture_on_commit_callbacks, by=admin)
    response = _accept(client, link, **overrides)
    assert response.status_code == 422
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(email="nina.doctor@example.org").exists()
    assert StaffInvitation.objects.get().accepted_at is None
    assert response.context["form"]["last_name"].value() == overrides.get("last_name", "Doctor")  # nothing typed is lost


@pytest.mark.django_db(transaction=True)  # allauth marks the enrolment on commit, as in production
def test_the_invitee_sets_a_password_then_must_enrol_before_the_worklist(client, settings):
    settings.BONETRACK_REQUIRE_MFA = True
    admin = AdminFactory(time_zone="Europe/London")
    patients = [PatientFactory(), PatientFactory()]
    invitation = staff_invitation_create(
        email="Nina.Doctor@Example.org", first_name="Nina", last_name="Doctor", role="clinician", patients=patients, by=admin
    )
    link = _last_link("nina.doctor@example.org")
    response = _accept(client, link, first_name="Nina", last_name="Doktor")
    assert response.status_code == 302 and response.url == reverse("clinic:worklist")

    user = User.objects.get(email="nina.doctor@example.org")
    assert (user.role, user.last_name, user.time_zone, user.is_staff) == ("clinician", "Doktor", "Europe/London", False)
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user
    assert sorted(user.care_team_memberships.active().values_list("patient_id", flat=True)) == sorted(p.pk for p in patients)
    assert RecordEvent.objects.filter(kind="care_team_joined", actor=user).count() == 2

    # Signed in, but the worklist waits for two-factor enrolment, which needs no second password prompt.
    assert client.get(reverse("clinic:worklist")).url == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}).status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert client.get(reverse("clinic:worklist")).status_code == 200


def test_an_admin_invitation_makes_an_admin_without_care_teams(client, admin, django_capture_on_commit_callbacks):
    _, link = _invite(django_capture_on_commit_callbacks, by=admin, email="second.admin@example.org", role="admin")
    assert _accept(client, link).status_code == 302
    user = User.objects.get(email="second.admin@example.org")
    assert (user.role, user.is_staff, user.is_superuser) == ("admin", True, True)
    assert not user.care_team_memberships.exists()


def test_a_patients_request_becomes_a_staff_invitation_and_its_acceptance_answers_it(
    client, admin, django_capture_on_commit_callbacks
):
    patient, other = PatientFactory(), PatientFactory()
    first = care_team_invitation(patient=patient, clinician=None)[0]
    second = CareTeamInvitation.objects.get(pk=care_team_invitation(patient=other, clinician=None)[0].pk)
    with django_capture_on_commit_callbacks(execute=True):
        invitations = staff_invitation_from_requests(CareTeamInvitation.objects.all(), by=admin)
    assert len(invitations) == 1  # one address, one invitation, both patients on it
    assert sorted(invitations[0].patients.values_list("pk", flat=True)) == sorted([patient.pk, other.pk])
    assert _accept(client, _last_link(first.email)).status_code == 302
    user = User.objects.get(email=first.email)
    for request in (first, second):
        request.refresh_from_db()
        assert request.status == "accepted" and request.clinician == user
    assert patient.care_team_memberships.active().filter(clinician=user).exists()


# The admin's pages -------------------------------------------------------------------------------------------------

ADD = reverse("admin:careteams_staffinvitation_add")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _form_data(**overrides):
    return {"email": "nina.doctor@example.org", "first_name": "Nina", "last_name": "Doctor", "role": "clinician"} | overrides


def test_the_admin_invites_from_a_form_without_any_password_field(admin_client, django_capture_on_commit_callbacks):
    patient = PatientFactory()
    page = admin_client.get(ADD, {"role": "clinician"}).content.decode()
    assert 'type="password"' not in page and 'name="password' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, _form_data(patients=[patient.pk]))
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get()
    assert list(invitation.patients.all()) == [patient]
    assert mail.outbox[-1].to == ["nina.doctor@example.org"] and LINK.search(mail.outbox[-1].body)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_form_data(email="not-an-address"), "email", "valid email"),
        (_form_data(role="patient"), "role", "valid choice"),
        (_form_data(email="taken@example.org"), "email", "already has a BoneTrack account (clinician)"),
        (_form_data(email="waiting@example.org"), "email", "is waiting"),
        (_form_data(role="admin", patients="PATIENT"), "patients", "Administrators see every patient"),
    ],
)
def test_the_invite_form_explains_what_is_wrong(admin_client, admin, data, field, message):
    ClinicianFactory(email="taken@example.org")
    staff_invitation_create(email="waiting@example.org", first_name="", last_name="", role="clinician", patients=[], by=admin)
    if data.get("patients") == "PATIENT":
        data = data | {"patients": [PatientFactory().pk]}
    before = StaffInvitation.objects.count()
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert StaffInvitation.objects.count() == before


def test_no_admin_creates_users_or_types_their_passwords(admin_client):
    clinician = ClinicianFactory()
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert admin_client.get(reverse("admin:auth_user_password_change", args=[clinician.pk])).status_code == 403
    change = admin_client.get(reverse("admin:accounts_user_change", args=[clinician.pk])).content.decode()
    assert 'name="password' not in change
    changelist = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert f'href="{ADD}?role=clinician"' in changelist


def test_the_admin_resends_and_revokes_from_the_list(admin_client, admin, django_capture_on_commit_callbacks):
    invitation = staff_invitation_create(
        email="a@example.org", first_name="", last_name="", role="clinician", patients=[], by=admin
    )
    changelist = reverse("admin:careteams_staffinvitation_changelist")
    old_hash = invitation.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {"action": "resend", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash and mail.outbox[-1].to == ["a@example.org"]
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.revoked_by == admin
    assert invitation.status == "revoked"


def test_admins_see_patients_requests_and_invite_from_them(admin_client, admin, django_capture_on_commit_callbacks):
    patient, doctor = PatientFactory(), ClinicianFactory()
    request, _ = care_team_invitation(patient=patient, clinician=None)
    care_team_invitation(patient=PatientFactory(), clinician=doctor)  # to a clinician: not for the administrators
    changelist = reverse("admin:careteams_careteaminvitation_changelist")
    listed = admin_client.get(changelist, {"needs_account": "yes"})
    assert [row.pk for row in listed.context["cl"].result_list] == [request.pk]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {"action": "invite_as_clinician", "_selected_action": [request.pk]})
    invitation = StaffInvitation.objects.get(email=request.email)
    assert list(invitation.patients.all()) == [patient] and invitation.invited_by == admin
    assert mail.outbox[-1].to == [request.email]
    assert admin_client.get(reverse("admin:careteams_careteaminvitation_add")).status_code == 403
