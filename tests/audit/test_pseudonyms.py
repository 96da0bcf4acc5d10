"""The one change the access log allows: a deleted person replaced by their pseudonym, and nothing else."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError, InternalError

from bonetrack.audit.models import AccessEvent, AppendOnlyError, new_pseudonym
from tests.factories import ClinicianFactory, PatientFactory

REF = "patient-0123456789ab"
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def rows(db):
    """A clinician's view and the patient's own change of one patient, and a view of another patient."""
    patient, other, clinician = PatientFactory(), PatientFactory(), ClinicianFactory()

    def event(actor, about, action):
        return AccessEvent.objects.create(
            actor=actor,
            patient=about,
            action=action,
            path=f"/patients/{about.pk}/",
            method="GET",
            ip="192.0.2.1",
            user_agent="UA",
        )

    return {
        "patient": patient,
        "clinician": clinician,
        "viewed": event(clinician, patient, "view"),
        "own": event(patient.user, patient, "change"),
        "other": event(clinician, other, "view"),
    }


def _row(event: AccessEvent) -> tuple:
    event.refresh_from_db()
    return (event.actor_id, event.actor_ref, event.patient_id, event.patient_ref, event.ip, event.user_agent)


def test_pseudonymise_replaces_the_person_and_keeps_the_clinician(rows):
    patient, clinician = rows["patient"], rows["clinician"]
    changed = AccessEvent.objects.pseudonymise(user_id=patient.user_id, patient_id=patient.pk, ref=REF)
    assert changed == 2
    assert _row(rows["viewed"]) == (clinician.pk, "", None, REF, "192.0.2.1", "UA")
    assert _row(rows["own"]) == (None, REF, None, REF, None, "")
    assert _row(rows["other"])[:4] == (clinician.pk, "", rows["other"].patient_id, "")
    assert AccessEvent.objects.count() == 3


def test_a_pseudonym_is_required(rows):
    with pytest.raises(ValueError, match="pseudonym"):
        AccessEvent.objects.pseudonymise(user_id=rows["patient"].user_id, patient_id=rows["patient"].pk, ref="")


def test_pseudonyms_are_random_and_name_nobody():
    first, second = new_pseudonym("patient"), new_pseudonym("patient")
    assert first != second and first.startswith("patient-") and len(first) == len("patient-") + 12


def test_other_changes_are_still_refused_through_the_orm(rows):
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=rows["viewed"].pk).update(patient=None, patient_ref=REF)


@pytest.mark.parametrize(
    "fields",
    [{"patient": None}, {"actor": None}, {"patient_ref": REF}, {"actor_ref": REF}],
    ids=["no patient and no ref", "no actor and no ref", "patient and ref", "actor and ref"],
)
def test_each_row_names_its_people_by_key_or_by_pseudonym_never_both_or_neither(db, fields):
    values = {"actor": ClinicianFactory(), "patient": PatientFactory(), "action": "view", "path": "/", "method": "GET"}
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.create(**{**values, **fields})


@on_postgresql
def test_postgresql_allows_the_pseudonymising_updates(rows):
    AccessEvent.objects.pseudonymise(user_id=rows["patient"].user_id, patient_id=rows["patient"].pk, ref=REF)
    assert AccessEvent.objects.filter(patient_ref=REF).count() == 2


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accessevent SET patient_id = NULL, patient_ref = 'patient-x', summary = 'tampered'",
        "UPDATE audit_accessevent SET actor_id = NULL, actor_ref = 'patient-x'",  # the actor's IP and browser stay
        "UPDATE audit_accessevent SET actor_id = NULL, actor_ref = 'patient-x', ip = NULL, user_agent = '', path = '/'",
        "UPDATE audit_accessevent SET ip = NULL, user_agent = ''",
        "UPDATE audit_accessevent SET patient_id = (SELECT MIN(id) FROM accounts_patientprofile)",
        "UPDATE audit_accessevent SET patient_id = patient_id",
        "DELETE FROM audit_accessevent",
    ],
    ids=["with another change", "ip kept", "path changed", "ip only", "re-pointed", "no-op", "delete"],
)
def test_postgresql_refuses_every_other_update_and_delete(rows, sql):
    with pytest.raises((InternalError, DatabaseError), match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert AccessEvent.objects.filter(patient_ref="").count() == 3


@on_postgresql
def test_postgresql_refuses_renaming_a_pseudonym(rows):
    AccessEvent.objects.pseudonymise(user_id=rows["patient"].user_id, patient_id=rows["patient"].pk, ref=REF)
    sql = "UPDATE audit_accessevent SET patient_ref = 'patient-other' WHERE patient_ref <> ''"
    with pytest.raises((InternalError, DatabaseError), match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert AccessEvent.objects.filter(patient_ref=REF).count() == 2
