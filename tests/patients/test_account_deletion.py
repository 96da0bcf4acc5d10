"""Deleting a patient's account: nothing still names the person; the access log keeps its rows under a pseudonym."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.audit.models import AccessEvent
from bonetrack.careteams.services import care_team_invitation_create
from bonetrack.clinic.models import ClinicalNote
from bonetrack.core.models import FormSubmission
from bonetrack.patients.deletion import delete_patient_account
from bonetrack.portability.jobs import run_export_job
from bonetrack.portability.models import ExportJob
from bonetrack.reminders.models import ClinicianDigest, Notification, NotificationPreference, Reminder, ReminderDueDate
from bonetrack.reminders.sweep import digest_body
from bonetrack.undo.services import delete_with_undo
from dexa.models import DexaScan, Facility, ScanRevision
from tests.dexa.factories import make_scan
from tests.dexa.report_samples import stored_report
from tests.exercise.factories import SessionEntryFactory
from tests.factories import (
    PASSWORD,
    AdminFactory,
    ClinicianFactory,
    CourseFactory,
    DoseFactory,
    FallFactory,
    FractureFactory,
    MembershipFactory,
    PatientFactory,
    UserFactory,
)
from tests.labs.factories import LabResultFactory
from tests.nutrition.factories import (
    CalciumSupplementFactory,
    CustomFoodFactory,
    FavouriteFactory,
    LogItemFactory,
    TargetOverrideFactory,
)
from tests.risk.factories import FraxResultFactory

FIRST, LAST, EMAIL = "Philippa", "Quenby-Testworth", "philippa.quenby@example.org"
NAMES = (FIRST, LAST, EMAIL)

# Foreign keys to a user or a patient that the seeded person never fills: they name a clinician or an admin.
STAFF_ONLY_FIELDS = {
    "admin.LogEntry.user",
    "accounts.PatientProfile.goal_set_by",
    "accounts.PatientProfile.scan_interval_set_by",
    "careteams.CareTeamMembership.clinician",
    "careteams.CareTeamMembership.assigned_by",
    "careteams.CareTeamInvitation.clinician",
    "careteams.StaffInvitation.user",
    "careteams.StaffInvitation.invited_by",
    "careteams.StaffInvitation.revoked_by",
    "reminders.ClinicianDigest.clinician",
    "clinic.ClinicalNote.author",
    "clinic.NoteRevision.edited_by",
    "dexa.DexaScan.verified_by",
    "exercise.SessionEntry.flag_confirmed_by",
}


def person_fields():
    """Every foreign key to User or PatientProfile, as (model, field)."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in (User, PatientProfile)
    ]


def rows_naming(user_id: int, patient_id: int) -> list[str]:
    """Every row that still points at the person or holds their name or email address, in any model."""
    found = []
    for model, field in person_fields():
        target = user_id if field.related_model is User else patient_id
        if model._base_manager.filter(**{field.attname: target}).exists():
            found.append(f"{model._meta.label}.{field.name}")
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                for word in NAMES:
                    if model._base_manager.filter(**{f"{field.name}__icontains": word}).exists():
                        found.append(f"{model._meta.label}.{field.name} holds {word!r}")
    for content_type, pk in (
        (ContentType.objects.get_for_model(User), user_id),
        (ContentType.objects.get_for_model(PatientProfile), patient_id),
    ):
        if LogEntry.objects.filter(content_type=content_type, object_id=str(pk)).exists():
            found.append(f"admin history of {content_type.model} {pk}")
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            found.append("a session")
    return found


@pytest.fixture
def team(db):
    """The patient to delete (with one record in every app), two clinicians on their team and another patient."""
    user = UserFactory(first_name=FIRST, last_name=LAST, email=EMAIL)
    patient = PatientFactory(user=user)
    clinician, revoked = ClinicianFactory(), ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    MembershipFactory(patient=patient, clinician=revoked).revoke(by=user)
    other = PatientFactory(user__first_name="Otto", user__last_name="Bystander")
    MembershipFactory(patient=other, clinician=clinician)
    return patient, clinician, revoked, other


def seed_everything(patient, clinician, other) -> None:
    user = patient.user
    scan = make_scan(patient, dt.date(2023, 3, 1), {"lumbar_spine": ("0.850", "-2.6")}, entered_by=user)
    ScanRevision.objects.create(scan=scan, changed_by=user, action="created", changes=[])
    stored_report(patient, by=user, scan=scan, name=f"{LAST} scan report.pdf")
    Facility.objects.create(name=f"{LAST} home clinic", owner=patient)
    FractureFactory(patient=patient, recorded_by=user, notes=f"{FIRST} fell on ice")
    FallFactory(patient=patient, recorded_by=user)
    course = CourseFactory(patient=patient, created_by=user)
    DoseFactory(course=course, recorded_by=user)
    LabResultFactory(patient=patient, entered_by=user)
    FraxResultFactory(patient=patient, recorded_by=user)
    ExportJob.objects.create(patient=patient, requested_by=user)
    food = CustomFoodFactory(owner=patient, description=f"{FIRST}'s fruit cake")
    LogItemFactory(patient=patient, food=food, created_by=user)
    eaten = LogItemFactory(patient=patient, food=food, created_by=user)
    delete_with_undo(eaten, patient=patient, by=user, description=f"{FIRST}'s fruit cake at lunch")  # the recycle bin
    FavouriteFactory(patient=patient, food=food)
    CalciumSupplementFactory(patient=patient)
    TargetOverrideFactory(patient=patient, set_by=user)
    SessionEntryFactory(session__patient=patient, session__created_by=user)
    ClinicalNote.objects.create(patient=patient, author=clinician, body="Discussed calcium intake.")
    care_team_invitation_create(patient=patient, email="gp@example.org", by=user)  # to someone not yet on BoneTrack
    reminder = Reminder.objects.create(
        patient=patient, kind="scan_due", due_on=dt.date(2025, 3, 1), stage=0, send_at=timezone.now()
    )
    ReminderDueDate.objects.create(patient=patient, kind="scan_due", due_on=dt.date(2025, 3, 1), known_since=timezone.now())
    Notification.objects.create(recipient=user, reminder=reminder, title="Your scan is due")
    NotificationPreference.objects.create(user=user, email=False)
    FormSubmission.objects.create(user=user, token="00000000-0000-0000-0000-000000000001", location="/x/")
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    # What the care team was sent about this patient: a late dose, and an overdue digest that also lists another.
    Notification.objects.create(
        recipient=clinician,
        title=f"High priority: {FIRST} {LAST}'s denosumab dose is 40 days late",
        url=reverse("medications:course-list", kwargs={"patient_id": patient.pk}),
    )
    entries = [
        {"id": patient.pk, "name": f"{FIRST} {LAST}", "due_on": "2024-01-01", "days_overdue": 60, "new": True},
        {"id": other.pk, "name": "Otto Bystander", "due_on": "2024-01-02", "days_overdue": 59, "new": True},
    ]
    digest = ClinicianDigest.objects.create(clinician=clinician, day=dt.date(2024, 3, 1), patients=entries)
    Notification.objects.create(recipient=clinician, digest=digest, title="2 patients are overdue", body=digest_body(entries))
    # The admin's history of the profile, and a wrong password at sign-in (django-axes keeps the address tried).
    LogEntry.objects.log_actions(AdminFactory().pk, [patient], CHANGE, change_message="Changed height.")
    Client().post(reverse("account_login"), {"login": EMAIL, "password": "not-the-password"})
    # The access log: the clinician opens the record; the patient records a fracture and signs in (a session).
    as_clinician, as_patient = Client(), Client()
    as_clinician.force_login(clinician)
    profile = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    assert as_clinician.get(profile, REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="ClinicBrowser/1").status_code == 200
    as_patient.force_login(user)
    fractures = reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})
    data = {"site": "hip", "occurred_on": "2021-05-01", "fragility": "on"}
    assert as_patient.post(fractures, data, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="PatientPhone/2").status_code == 302


def test_every_kind_of_row_is_seeded(team):
    """The erasure test below is only as good as its seed: a new model of patient data must be seeded there."""
    patient, clinician, _, other = team
    seed_everything(patient, clinician, other)
    unseeded = {
        f"{model._meta.label}.{field.name}"
        for model, field in person_fields()
        if not model._base_manager.filter(
            **{field.attname: patient.user_id if field.related_model is User else patient.pk}
        ).exists()
    }
    assert unseeded - STAFF_ONLY_FIELDS == set()
    assert AccessAttempt.objects.filter(username=EMAIL).exists()


def test_deletion_leaves_no_row_naming_the_person(team, django_assert_max_num_queries):
    patient, clinician, _revoked, other = team
    seed_everything(patient, clinician, other)
    user_id, patient_id = patient.user_id, patient.pk
    assert rows_naming(user_id, patient_id)  # the scan sees the seeded rows
    log_rows = AccessEvent.objects.count()
    about_patient = AccessEvent.objects.filter(patient_id=patient_id).count()
    assert about_patient == 2  # the clinician's view and the patient's change

    # About one query per table that hangs off the person (the cascade); 156 measured with this seed.
    with django_assert_max_num_queries(160):
        ref = delete_patient_account(patient=patient, by=patient.user)

    assert rows_naming(user_id, patient_id) == []
    assert not User.objects.filter(pk=user_id).exists() and not DexaScan.objects.exists()
    assert ref.startswith("patient-") and len(ref) == len("patient-") + 12
    # The log keeps its rows and adds the deletion; all of the person's rows share the pseudonym.
    assert AccessEvent.objects.count() == log_rows + 1
    assert AccessEvent.objects.filter(patient_ref=ref).count() == about_patient + 1
    viewed = AccessEvent.objects.get(patient_ref=ref, actor=clinician)
    assert (viewed.action, viewed.ip, viewed.user_agent, viewed.actor_ref) == ("view", "192.0.2.10", "ClinicBrowser/1", "")
    own = AccessEvent.objects.get(patient_ref=ref, action="change")
    assert (own.actor_id, own.actor_ref, own.ip, own.user_agent) == (None, ref, None, "")
    deleted = AccessEvent.objects.get(patient_ref=ref, action="delete")
    assert (deleted.actor_ref, deleted.summary) == (ref, "Account deleted by the patient")
    # The other patient is untouched, in the digest too.
    assert ClinicianDigest.objects.get().patients == [
        {"id": other.pk, "name": "Otto Bystander", "due_on": "2024-01-02", "days_overdue": 59, "new": True}
    ]
    assert Notification.objects.get(digest__isnull=False).body == "Otto Bystander (59 days)"
    assert PatientProfile.objects.filter(pk=other.pk).exists()


def test_the_active_care_team_is_told_by_pseudonym_only(team):
    patient, clinician, revoked, _other = team
    ref = delete_patient_account(patient=patient, by=patient.user)
    notice = Notification.objects.get(recipient=clinician)
    assert notice.title == f"A patient deleted their account (ref {ref})"
    assert FIRST not in notice.title + notice.body and LAST not in notice.title + notice.body
    assert not Notification.objects.filter(recipient=revoked).exists()  # revoked: no longer on the team


def test_a_plain_delete_of_someone_with_an_access_history_is_still_refused(team):
    patient, clinician, _, _ = team
    AccessEvent.objects.create(actor=clinician, patient=patient, action="view", path="/x/", method="GET")
    with pytest.raises(models.ProtectedError):
        patient.user.delete()


# The patient's page --------------------------------------------------------------------------------------------


def _page(patient) -> str:
    return reverse("patients:account-delete", kwargs={"patient_id": patient.pk})


def test_the_profile_links_to_the_page_and_the_page_offers_the_export_first(patient_client, patient):
    profile = patient_client.get(reverse("patients:profile", kwargs={"patient_id": patient.pk})).content.decode()
    assert f'href="{_page(patient)}"' in profile and "Delete my account" in profile
    html = patient_client.get(_page(patient)).content.decode()
    export = reverse("portability:fhir", kwargs={"patient_id": patient.pk})
    assert f'href="{export}">Download your records first</a>' in html
    assert html.index("Download your records first") < html.index('name="password"')


def test_the_care_team_sees_no_delete_link_on_the_profile(clinician_client, patient):
    profile = clinician_client.get(reverse("patients:profile", kwargs={"patient_id": patient.pk})).content.decode()
    assert _page(patient) not in profile


def test_a_wrong_password_deletes_nothing_and_says_so_next_to_the_field(patient_client, patient):
    response = patient_client.post(_page(patient), {"password": "wrong-password", "confirm": "on"})
    assert response.status_code == 422
    assert response.context["form"].errors == {"password": ["That is not your password. Nothing has been deleted."]}
    assert User.objects.filter(pk=patient.user_id).exists()
    assert response.context["form"]["confirm"].value()  # the tick is kept
    assert patient_client.get(_page(patient)).status_code == 200  # still signed in


def test_the_tick_is_required(patient_client, patient):
    response = patient_client.post(_page(patient), {"password": PASSWORD})
    assert response.status_code == 422 and list(response.context["form"].errors) == ["confirm"]
    assert PatientProfile.objects.filter(pk=patient.pk).exists()


def test_wrong_passwords_are_throttled_like_sign_in(patient_client, patient, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        patient_client.post(_page(patient), {"password": "wrong-password", "confirm": "on"})
    locked = patient_client.post(_page(patient), {"password": PASSWORD, "confirm": "on"})
    assert locked.status_code == 429
    assert PatientProfile.objects.filter(pk=patient.pk).exists()


def test_the_right_password_deletes_signs_out_and_says_goodbye(patient_client, patient, clinician):
    user_id = patient.user_id
    response = patient_client.post(_page(patient), {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert response.redirect_chain == [(reverse("patients:account-deleted"), 302)]
    assert "Your account is deleted" in response.content.decode()
    assert not User.objects.filter(pk=user_id).exists()
    assert not response.wsgi_request.user.is_authenticated
    assert Notification.objects.filter(recipient=clinician, title__startswith="A patient deleted their account").count() == 1
    profile = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    assert patient_client.get(profile)["Location"].startswith(reverse("account_login"))


def test_the_care_team_and_other_patients_cannot_delete(client, patient, clinician):
    client.force_login(clinician)
    assert client.post(_page(patient), {"password": PASSWORD, "confirm": "on"}).status_code == 403
    client.force_login(PatientFactory().user)
    assert client.post(_page(patient), {"password": PASSWORD, "confirm": "on"}).status_code == 404
    assert PatientProfile.objects.filter(pk=patient.pk).exists()


# The admin, on the patient's request ---------------------------------------------------------------------------


def test_an_admin_deletes_on_request_after_a_confirmation_page(client, team):
    patient, clinician, _, other = team
    admin_user = AdminFactory()
    client.force_login(admin_user)
    url = reverse("admin:accounts_patientprofile_changelist")
    data = {"action": "delete_patient_accounts", "_selected_action": [patient.pk]}
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and EMAIL in confirm.content.decode()
    assert PatientProfile.objects.filter(pk=patient.pk).exists()
    viewed = AccessEvent.objects.get(actor=admin_user, patient=patient)
    assert viewed.action == "view"

    done = client.post(url, {**data, "post": "yes"})
    assert done.status_code == 302
    assert not PatientProfile.objects.filter(pk=patient.pk).exists()
    assert PatientProfile.objects.filter(pk=other.pk).exists()
    ref = Notification.objects.get(recipient=clinician, title__startswith="A patient deleted").title.split("ref ")[1][:-1]
    deleted = AccessEvent.objects.get(patient_ref=ref, action="delete")
    assert (deleted.actor, deleted.summary) == (admin_user, "Account deleted by an admin, on the patient's request")
    assert AccessEvent.objects.get(patient_ref=ref, action="view").actor == admin_user  # the confirmation page


def test_the_admin_cannot_delete_only_the_profile(client, patient):
    client.force_login(AdminFactory())
    assert client.get(reverse("admin:accounts_patientprofile_delete", args=[patient.pk])).status_code == 403
    actions = client.get(reverse("admin:accounts_patientprofile_changelist")).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions if name] == ["delete_patient_accounts"]


def test_the_access_log_page_and_admin_show_the_pseudonym(client, team):
    patient, clinician, _, _ = team
    AccessEvent.objects.create(actor=clinician, patient=patient, action="view", path="/p/", method="GET")
    ref = delete_patient_account(patient=patient, by=patient.user)
    client.force_login(AdminFactory())
    page = client.get(reverse("admin:audit_accessevent_changelist")).content.decode()
    assert page.count(ref) >= 2 and clinician.display_name in page
    assert client.get(reverse("admin:audit_accessevent_changelist"), {"q": ref}).context["cl"].result_count == 2


def test_the_access_log_page_shows_a_deleted_actor_by_pseudonym(client, team):
    """A deleted account that acted on someone else's record (here, contrived) appears there by its pseudonym."""
    patient, _, _, other = team
    AccessEvent.objects.create(actor=patient.user, patient=other, action="change", path="/p/", method="POST", ip="192.0.2.9")
    ref = delete_patient_account(patient=patient, by=patient.user)
    client.force_login(other.user)
    response = client.get(reverse("careteams:access-log", kwargs={"patient_id": other.pk}))
    html = response.content.decode()
    assert f'{ref} <span class="muted small">(account deleted)</span>' in html
    assert "192.0.2.9" not in html and FIRST not in html


@pytest.mark.django_db(transaction=True)
def test_the_patients_export_files_are_deleted_with_the_account():
    patient, other = PatientFactory(), PatientFactory()
    jobs = [ExportJob.objects.create(patient=person, requested_by=person.user) for person in (patient, other)]
    for job in jobs:
        run_export_job(job.pk)
    mine, theirs = (ExportJob.objects.get(pk=job.pk).path for job in jobs)
    assert mine.exists() and theirs.exists()
    delete_patient_account(patient=patient, by=patient.user)
    assert not mine.exists() and not mine.parent.exists()
    assert theirs.exists()
