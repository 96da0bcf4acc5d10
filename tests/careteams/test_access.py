"""Who sees which patient: patients_visible_to, the @patient_view and @care_team_required decorators, and revocation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import can_view_patient, care_team_required, patients_visible_to
from bonetrack.careteams.models import CareTeamMembership
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_patients():
    return [PatientFactory() for _ in range(3)]


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_admin_sees_every_patient(three_patients):
    assert _ids(patients_visible_to(AdminFactory())) == {p.pk for p in three_patients}


def test_clinician_sees_only_patients_with_an_active_membership(three_patients):
    mine, revoked, theirs = three_patients
    clinician = ClinicianFactory()
    MembershipFactory(patient=mine, clinician=clinician)
    MembershipFactory(patient=revoked, clinician=clinician).revoke(by=revoked.user)
    MembershipFactory(patient=theirs)  # another clinician's patient
    assert _ids(patients_visible_to(clinician)) == {mine.pk}
    assert can_view_patient(clinician, mine)
    assert not can_view_patient(clinician, revoked)
    assert not can_view_patient(clinician, theirs)


def test_clinician_with_no_memberships_sees_nobody(three_patients):
    assert not patients_visible_to(ClinicianFactory()).exists()


def test_a_patient_sees_only_themself(three_patients):
    me = three_patients[0]
    assert _ids(patients_visible_to(me.user)) == {me.pk}


def test_inactive_users_see_nobody(three_patients):
    admin, clinician, patient = AdminFactory(is_active=False), ClinicianFactory(is_active=False), three_patients[0]
    MembershipFactory(patient=patient, clinician=clinician)
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])
    for user in (admin, clinician, patient.user):
        assert not patients_visible_to(user).exists(), user.role


def test_a_deactivated_patient_drops_off_the_clinicians_list(three_patients):
    patient = three_patients[0]
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])
    assert not patients_visible_to(clinician).exists()


def test_scoping_chains_onto_a_given_queryset(three_patients):
    clinician = ClinicianFactory()
    for patient in three_patients:
        MembershipFactory(patient=patient, clinician=clinician)
    just_the_first = PatientProfile.objects.filter(pk=three_patients[0].pk)
    assert _ids(patients_visible_to(clinician, just_the_first)) == {three_patients[0].pk}
    assert _ids(patients_visible_to(clinician, PatientProfile.objects.all())) == {p.pk for p in three_patients}


class TestRevocationThroughTheCareTeamPage:
    def test_the_patient_revokes_a_clinician_who_then_loses_access(self, client):
        patient, clinician = PatientFactory(), ClinicianFactory(first_name="Ada", last_name="Osei")
        membership = MembershipFactory(patient=patient, clinician=clinician)
        dashboard = reverse("dashboard:patient-dashboard", args=[patient.pk])

        client.force_login(clinician)
        assert client.get(dashboard).status_code == 200

        client.force_login(patient.user)
        page = client.get(reverse("careteams:care-team", args=[patient.pk]))
        assert page.status_code == 200
        assert "Ada Osei" in page.content.decode()
        response = client.post(reverse("careteams:revoke", args=[patient.pk, membership.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("careteams:care-team", args=[patient.pk])
        assert "Ada Osei can no longer see your record" in response.content.decode()

        membership.refresh_from_db()
        assert membership.revoked_at is not None
        assert membership.revoked_by == patient.user

        client.force_login(clinician)
        assert client.get(dashboard).status_code == 404
        patient_list = client.get(reverse("careteams:patient-list"))
        assert patient.user.last_name not in patient_list.content.decode()

    def test_revoking_twice_is_a_404_and_changes_nothing(self, client):
        patient = PatientFactory()
        membership = MembershipFactory(patient=patient)
        client.force_login(patient.user)
        url = reverse("careteams:revoke", args=[patient.pk, membership.pk])
        client.post(url)
        first = CareTeamMembership.objects.get(pk=membership.pk).revoked_at
        assert client.post(url).status_code == 404
        assert CareTeamMembership.objects.get(pk=membership.pk).revoked_at == first

    def test_an_admin_restores_access(self, client):
        patient, admin = PatientFactory(), AdminFactory()
        membership = MembershipFactory(patient=patient)
        membership.revoke(by=patient.user)
        assert not can_view_patient(membership.clinician, patient)
        membership.restore(by=admin)
        assert can_view_patient(membership.clinician, patient)


def test_the_patient_list_pages_through_a_long_list(client, django_assert_max_num_queries):
    clinician = ClinicianFactory()
    patients = [MembershipFactory(clinician=clinician).patient for _ in range(55)]
    client.force_login(clinician)
    with django_assert_max_num_queries(9):
        first = client.get(reverse("careteams:patient-list"))
    assert len(first.context["patients"]) == 50
    assert "55 patients, showing 1–50." in first.content.decode()
    second = client.get(reverse("careteams:patient-list"), {"page": 2})
    shown = {p.pk for p in first.context["patients"]} | {p.pk for p in second.context["patients"]}
    assert shown == {p.pk for p in patients}
    assert 'rel="prev"' in second.content.decode()


def _ok(request):
    return HttpResponse("ok")


@pytest.mark.parametrize("factory", [ClinicianFactory, AdminFactory])
def test_care_team_required_lets_clinicians_and_admins_in(rf, factory):
    request = rf.get("/")
    request.user = factory()
    assert care_team_required(_ok)(request).content == b"ok"


def test_care_team_required_refuses_patients(rf):
    request = rf.get("/")
    request.user = PatientFactory().user
    with pytest.raises(PermissionDenied):
        care_team_required(_ok)(request)


def test_care_team_required_sends_visitors_to_sign_in(rf):
    request = rf.get("/clinic/worklist/")
    request.user = AnonymousUser()
    response = care_team_required(_ok)(request)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
