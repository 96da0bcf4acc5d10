"""A facility typed in one patient's record is that record's: other patients' forms never list it until approved."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from dexa.importing import import_commit
from dexa.models import DexaScan, Facility
from tests.dexa.factories import FacilityFactory, ScanFactory
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db
PRIVATE_NAME = "Dr Khan's practice, 12 Oak Street"


def form_data(facility, **overrides):
    data = {
        "scanned_on": "2024-05-02",
        "facility": str(facility.pk) if facility else "",
        "new_facility": "",
        "make": "hologic",
        "model": "Horizon A",
        "lumbar_spine-bmd": "0.812",
        "lumbar_spine-t_score": "-2.3",
    }
    return data | overrides


def add_url(patient):
    return reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})


def listed(client, patient) -> set[str]:
    form = client.get(add_url(patient)).context["entry"].scan_form
    return {facility.name for facility in form.fields["facility"].queryset}


@pytest.fixture
def typed_by_patient(client, patient):
    client.force_login(patient.user)
    response = client.post(add_url(patient), form_data(None, new_facility=PRIVATE_NAME))
    assert response.status_code == 302
    return DexaScan.objects.get(patient=patient).facility


def test_a_typed_facility_belongs_to_the_patients_record(typed_by_patient, patient):
    assert (typed_by_patient.name, typed_by_patient.owner) == (PRIVATE_NAME, patient)


def test_other_patients_forms_never_list_it(client, typed_by_patient, patient):
    shared = FacilityFactory(name="Riverside Imaging")
    assert listed(client, patient) == {PRIVATE_NAME, shared.name}
    other = PatientFactory()
    client.force_login(other.user)
    assert listed(client, other) == {shared.name}
    assert PRIVATE_NAME.encode() not in client.get(add_url(other)).content


def test_another_patient_cannot_pick_it_by_id(client, typed_by_patient):
    other = PatientFactory()
    client.force_login(other.user)
    response = client.post(add_url(other), form_data(typed_by_patient))
    assert "facility" in response.context["entry"].scan_form.errors
    assert not DexaScan.objects.filter(patient=other).exists()


def test_typing_the_same_name_in_another_record_makes_that_records_own(client, typed_by_patient):
    other = PatientFactory()
    client.force_login(other.user)
    client.post(add_url(other), form_data(None, new_facility=PRIVATE_NAME.upper()))
    theirs = DexaScan.objects.get(patient=other).facility
    assert theirs != typed_by_patient and theirs.owner == other


def test_typing_a_shared_name_reuses_the_shared_facility(patient_client, patient):
    shared = FacilityFactory(name="Riverside Imaging")
    patient_client.post(add_url(patient), form_data(None, new_facility="riverside imaging"))
    assert DexaScan.objects.get(patient=patient).facility == shared
    assert Facility.objects.count() == 1


def test_the_care_team_sees_the_patients_own_facility_in_that_record_only(client, typed_by_patient, patient):
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    other = PatientFactory()
    MembershipFactory(patient=other, clinician=clinician)
    client.force_login(clinician)
    assert PRIVATE_NAME in listed(client, patient)
    assert PRIVATE_NAME not in listed(client, other)


def test_an_imported_unknown_name_belongs_to_the_record(patient):
    shared = FacilityFactory(name="City Hospital")
    text = (
        "scan_date,facility,make,model,site,side,bmd,t_score,z_score\n"
        "2024-01-01,Home Town Clinic,hologic,,lumbar_spine,,0.800,-1.0,\n"
        "2024-02-01,city hospital,hologic,,lumbar_spine,,0.800,-1.0,\n"
    )
    import_commit(patient=patient, text=text, user=ClinicianFactory(), today=dt.date(2024, 6, 1))
    facilities = {scan.facility for scan in DexaScan.objects.filter(patient=patient)}
    assert shared in facilities
    (own,) = facilities - {shared}
    assert (own.name, own.owner) == ("Home Town Clinic", patient)


def test_an_admin_approves_a_facility_for_everyone(client, typed_by_patient):
    client.force_login(AdminFactory())
    changelist = reverse("admin:dexa_facility_changelist")
    waiting = client.get(changelist, {"approval": "waiting"})
    assert [f.pk for f in waiting.context["cl"].result_list] == [typed_by_patient.pk]
    client.post(changelist, {"action": "approve", "_selected_action": [typed_by_patient.pk]})
    typed_by_patient.refresh_from_db()
    assert typed_by_patient.owner is None
    other = PatientFactory()
    client.force_login(other.user)
    assert PRIVATE_NAME in listed(client, other)


def test_approval_refuses_a_name_already_shared(client, typed_by_patient):
    FacilityFactory(name=PRIVATE_NAME.lower())
    client.force_login(AdminFactory())
    changelist = reverse("admin:dexa_facility_changelist")
    response = client.post(changelist, {"action": "approve", "_selected_action": [typed_by_patient.pk]}, follow=True)
    assert "already has the name" in response.content.decode()
    typed_by_patient.refresh_from_db()
    assert typed_by_patient.owner is not None


def test_existing_facilities_typed_by_one_patient_become_theirs():
    migration = importlib.import_module("dexa.migrations.0002_facility_owned_by_patient")
    patient, other = PatientFactory(), PatientFactory()
    clinician = ClinicianFactory()
    typed = ScanFactory(patient=patient, entered_by=patient.user, facility=FacilityFactory(name="Typed")).facility
    entered = ScanFactory(patient=patient, entered_by=clinician, facility=FacilityFactory(name="Clinic")).facility
    both = FacilityFactory(name="Both")
    ScanFactory(patient=patient, entered_by=patient.user, facility=both)
    ScanFactory(patient=other, entered_by=other.user, facility=both)
    unused = FacilityFactory(name="Unused")
    migration.make_patients_names_private(apps, None)
    owners = dict(Facility.objects.values_list("name", "owner"))
    assert owners == {typed.name: patient.pk, entered.name: None, both.name: None, unused.name: None}
