"""A change is recorded only when something was written; a form sent back with its errors is a view of the record."""

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse

from bonetrack.accounts.models import Fracture, PatientProfile
from bonetrack.audit.models import AccessEvent
from bonetrack.audit.recording import watching_for_changes
from exercise.models import Exercise, SessionEntry
from tests.factories import FractureFactory, PatientFactory


def _fractures(patient):
    return reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})


INVALID_FRACTURE = {"site": "wrist", "occurred_on": "1800-01-01"}  # before the date of birth
VALID_FRACTURE = {"site": "wrist", "occurred_on": "2020-05-01", "fragility": "on"}


def test_a_form_sent_back_with_errors_by_the_care_team_is_a_view(clinician_client, patient, clinician):
    response = clinician_client.post(_fractures(patient), INVALID_FRACTURE)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Fracture.objects.exists()
    assert list(AccessEvent.objects.values_list("actor", "action", "method")) == [(clinician.pk, "view", "POST")]


def test_a_form_sent_back_with_errors_to_the_patient_records_nothing(patient_client, patient):
    response = patient_client.post(_fractures(patient), INVALID_FRACTURE)
    assert response.status_code == 200 and response.context["form"].errors
    assert not AccessEvent.objects.exists()


def test_a_saved_form_is_a_change(clinician_client, patient, clinician):
    assert clinician_client.post(_fractures(patient), VALID_FRACTURE).status_code == 302
    assert Fracture.objects.filter(patient=patient).count() == 1
    assert list(AccessEvent.objects.values_list("actor", "action")) == [(clinician.pk, "change")]


def test_a_deletion_is_a_delete(clinician_client, patient, clinician):
    fracture = FractureFactory(patient=patient)
    url = reverse("patients:fracture-delete", kwargs={"patient_id": patient.pk, "fracture_id": fracture.pk})
    assert clinician_client.post(url).status_code == 302
    assert list(AccessEvent.objects.values_list("action", flat=True)) == ["delete"]


def test_inline_validation_of_the_scan_form_is_never_a_change(clinician_client, patient):
    url = reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})
    for typed in ("0", "0.9", "0.91"):  # one request per keystroke
        response = clinician_client.post(url, {"_validate": "1", "lumbar_spine-bmd": typed}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert set(AccessEvent.objects.values_list("action", flat=True)) == {"view"}


def test_a_form_answered_422_still_shows_the_record(clinician_client, patient, clinician):
    squat = Exercise.objects.get(slug="squat")
    url = reverse("exercise:entry-add", kwargs={"patient_id": patient.pk})
    response = clinician_client.post(url, {"exercise": squat.pk, "load_unit": "kg"})  # no date, no sets
    assert response.status_code == 422
    assert not SessionEntry.objects.exists()
    assert list(AccessEvent.objects.values_list("actor", "action")) == [(clinician.pk, "view")]


# The watcher itself ---------------------------------------------------------------------------------------------


def test_watcher_sees_saves_bulk_writes_and_raw_sql(db):
    patient = PatientFactory()
    with watching_for_changes() as watcher:
        PatientProfile.objects.filter(pk=patient.pk).exists()
    assert not watcher.changed
    with watching_for_changes() as watcher:
        Fracture.objects.bulk_create([Fracture(patient=patient, site="rib", occurred_on=dt.date(2021, 1, 1))])
    assert watcher.changed
    with watching_for_changes() as watcher:
        Fracture.objects.filter(patient=patient).update(notes="x")
    assert watcher.changed
    with watching_for_changes() as watcher, connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_fracture WHERE patient_id = %s", [patient.pk])
    assert watcher.changed


def test_watcher_ignores_writes_that_matched_nothing_and_bookkeeping(db):
    with watching_for_changes() as watcher:
        Fracture.objects.filter(pk=-1).update(notes="x")
        Fracture.objects.filter(pk=-1).delete()
        session = SessionStore()
        session["k"] = 1
        session.save()
    assert not watcher.changed
