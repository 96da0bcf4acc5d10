"""The admin's pages of patient data write the access log like the app's views: lists, pages, changes, deletions."""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.models import AccessEvent
from bonetrack.audit.patient_admin import PatientRecordAdmin
from bonetrack.careteams.models import CareTeamMembership
from bonetrack.clinic.models import ClinicalNote
from bonetrack.reminders.models import Notification
from dexa.models import DexaScan, Facility
from nutrition.models import Food
from tests.dexa.factories import ScanFactory
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory


@pytest.fixture
def admin_client(client, db):
    actor = AdminFactory()
    client.force_login(actor)
    client.actor = actor
    return client


def events():
    return sorted(AccessEvent.objects.values_list("patient_id", "action", "method", "summary"))


def _inserts_into_the_log(captured) -> int:
    table = AccessEvent._meta.db_table
    return sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT") and table in q["sql"])


def test_a_list_logs_one_view_per_patient_shown_in_one_insert(admin_client):
    patients = [PatientFactory() for _ in range(3)]
    for patient in patients:
        ScanFactory(patient=patient, scanned_on=dt.date(2022, 3, 1))
        ScanFactory(patient=patient, scanned_on=dt.date(2023, 3, 1))
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse("admin:dexa_dexascan_changelist"))
    assert response.status_code == 200
    assert events() == [(p.pk, "view", "GET", "Admin: list of dexa scans") for p in patients]
    assert all(event.actor == admin_client.actor for event in AccessEvent.objects.all())
    assert _inserts_into_the_log(captured) == 1


def test_a_list_costs_the_same_queries_for_few_or_many_patients(admin_client):
    url = reverse("admin:reminders_notification_changelist")

    def notify(n):
        for _ in range(n):
            Notification.objects.create(recipient=PatientFactory().user, title="Your scan is due")

    notify(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    notify(8)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert AccessEvent.objects.count() == 2 + 10


def test_a_list_of_rows_through_a_longer_path_skips_people_who_are_not_patients(admin_client):
    patient = PatientFactory()
    Notification.objects.create(recipient=patient.user, title="Your scan is due")
    Notification.objects.create(recipient=ClinicianFactory(), title="Daily digest")
    admin_client.get(reverse("admin:reminders_notification_changelist"))
    assert events() == [(patient.pk, "view", "GET", "Admin: list of notifications")]


def test_the_patient_list_logs_every_patient_shown(admin_client):
    patients = [PatientFactory() for _ in range(2)]
    admin_client.get(reverse("admin:accounts_patientprofile_changelist"))
    assert [row[:2] for row in events()] == [(p.pk, "view") for p in patients]


def test_change_page_history_and_delete_confirmation_are_views(admin_client):
    scan = ScanFactory()
    for name in ("change", "history", "delete"):
        assert admin_client.get(reverse(f"admin:dexa_dexascan_{name}", args=[scan.pk])).status_code == 200
    assert [row[:3] for row in events()] == [(scan.patient_id, "view", "GET")] * 3


def test_a_deletion_is_logged_as_a_delete(admin_client):
    scan = ScanFactory()
    response = admin_client.post(reverse("admin:dexa_dexascan_delete", args=[scan.pk]), {"post": "yes"})
    assert response.status_code == 302 and not DexaScan.objects.exists()
    assert events() == [(scan.patient_id, "delete", "POST", "Admin: dexa scan")]


def test_delete_selected_logs_the_confirmation_as_views_and_the_deletion_as_deletes(admin_client):
    scans = [ScanFactory(), ScanFactory()]
    data = {"action": "delete_selected", "_selected_action": [s.pk for s in scans]}
    url = reverse("admin:dexa_dexascan_changelist")
    assert admin_client.post(url, data).status_code == 200  # "Are you sure?"
    assert {row[1] for row in events()} == {"view"} and len(events()) == 2
    assert admin_client.post(url, {**data, "post": "yes"}).status_code == 302
    assert not DexaScan.objects.exists()
    deletes = sorted(AccessEvent.objects.filter(action="delete").values_list("patient_id", flat=True))
    assert deletes == sorted(s.patient_id for s in scans)


@pytest.fixture
def own_facility(db):
    return Facility.objects.create(name="Dr Khan's practice", owner=PatientFactory())


def _facility_form(facility, **changes):
    data = {"name": facility.name, "lsc_lumbar_spine": "", "lsc_total_hip": "", "lsc_femoral_neck": "", "lsc_radius_33": ""}
    return {**data, **changes}


def test_a_saved_edit_is_a_change_and_an_invalid_one_a_view(admin_client, own_facility):
    url = reverse("admin:dexa_facility_change", args=[own_facility.pk])
    patient_id = own_facility.owner_id
    assert admin_client.post(url, _facility_form(own_facility, lsc_total_hip="-1")).status_code == 200  # refused
    assert events() == [(patient_id, "view", "POST", "Admin: facility")]
    assert admin_client.post(url, _facility_form(own_facility, lsc_total_hip="0.020")).status_code == 302
    assert [row[:2] for row in events()] == [(patient_id, "change"), (patient_id, "view")]


def test_saving_without_changing_anything_is_not_a_change(admin_client, own_facility):
    url = reverse("admin:dexa_facility_change", args=[own_facility.pk])
    assert admin_client.post(url, _facility_form(own_facility)).status_code == 302
    assert not AccessEvent.objects.filter(action="change").exists()


def test_restoring_care_team_access_is_a_change(admin_client):
    membership = MembershipFactory()
    membership.revoke(by=membership.patient.user)
    url = reverse("admin:careteams_careteammembership_changelist")
    admin_client.post(url, {"action": "restore_access", "_selected_action": [membership.pk]})
    assert CareTeamMembership.objects.get().is_active
    assert AccessEvent.objects.filter(action="change").get().patient_id == membership.patient_id


def test_clinical_notes_are_read_only_with_their_history(admin_client):
    patient = PatientFactory()
    note = ClinicalNote.objects.create(patient=patient, author=ClinicianFactory(), body="Discussed calcium intake.")
    change = reverse("admin:clinic_clinicalnote_change", args=[note.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Discussed calcium intake." in html and 'name="_save"' not in html and 'name="body"' not in html
    assert reverse("admin:clinic_clinicalnote_history", args=[note.pk]) in html
    assert admin_client.get(reverse("admin:clinic_clinicalnote_history", args=[note.pk])).status_code == 200
    assert admin_client.post(change, {"body": "Rewritten."}).status_code == 403
    assert admin_client.post(reverse("admin:clinic_clinicalnote_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
    note.refresh_from_db()
    assert note.body == "Discussed calcium intake."
    assert [row[:2] for row in events()] == [(patient.pk, "view")] * 2


def test_foods_are_in_the_admin_and_a_patients_own_food_is_logged(admin_client):
    patient = PatientFactory()
    Food.objects.create(ndb_no="99001", description="Milk, test", search_text=" milk test ", head="milk")
    own = Food.objects.create(owner=patient, description="Gran's fruit cake", search_text=" gran s fruit cake ", head="x")
    response = admin_client.get(reverse("admin:nutrition_food_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Milk, test" in html and "Gran&#x27;s fruit cake" in html
    assert events() == [(patient.pk, "view", "GET", "Admin: list of foods")]
    page = admin_client.get(reverse("admin:nutrition_food_change", args=[own.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # to look up, not to edit
    assert AccessEvent.objects.count() == 2


def test_every_admin_of_patient_rows_writes_the_access_log():
    """Any ModelAdmin of a model that belongs to a patient must be a PatientRecordAdmin (the log itself aside)."""

    def belongs_to_a_patient(model) -> bool:
        return model is PatientProfile or any(
            field.many_to_one and field.related_model is PatientProfile for field in model._meta.get_fields()
        )

    unlogged = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if belongs_to_a_patient(model) and model is not AccessEvent and not isinstance(model_admin, PatientRecordAdmin)
    ]
    assert unlogged == []
    assert Food in admin.site._registry  # the README promises foods in the admin
