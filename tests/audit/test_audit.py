import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.db.utils import DatabaseError, InternalError
from django.test import RequestFactory
from django.urls import reverse

from bonetrack.audit.models import AccessEvent, AppendOnlyError
from bonetrack.audit.recording import client_ip
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory, PatientFactory


def _dashboard(patient):
    return reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})


def test_a_clinician_view_is_recorded_with_who_what_where(clinician_client, patient, clinician):
    response = clinician_client.get(_dashboard(patient) + "?x=1", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/1")
    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.actor == clinician and event.patient == patient
    assert (event.action, event.method, event.path) == ("view", "GET", _dashboard(patient) + "?x=1")
    assert (event.ip, event.user_agent, event.summary) == ("192.0.2.7", "Firefox/1", "Patient dashboard")


def test_the_patient_viewing_their_own_record_is_not_recorded(patient_client, patient):
    patient_client.get(_dashboard(patient))
    assert not AccessEvent.objects.exists()


def test_the_patients_own_changes_are_recorded(patient_client, patient):
    url = reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})
    response = patient_client.post(url, {"site": "wrist", "occurred_on": "2020-05-01", "fragility": "on"})
    assert response.status_code == 302
    assert AccessEvent.objects.get().action == "change"
    assert AccessEvent.objects.get().actor == patient.user


def test_refused_requests_are_not_recorded(client, patient):
    outsider = ClinicianFactory()
    client.force_login(outsider)
    assert client.get(_dashboard(patient)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_ip_behind_a_configured_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2")
    assert client_ip(request) == "10.0.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.2"
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"


@pytest.fixture
def event(db):
    patient = PatientFactory()
    return AccessEvent.objects.create(actor=ClinicianFactory(), patient=patient, action="view", path="/x/", method="GET")


def test_rows_cannot_be_changed_or_deleted_through_the_orm(event):
    event.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(summary="tampered")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get(pk=event.pk).summary == ""


def test_people_with_an_access_history_cannot_be_deleted(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.actor.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_accessevent SET summary = 'tampered'", "DELETE FROM audit_accessevent"], ids=["update", "delete"]
)
def test_postgresql_refuses_raw_update_and_delete(event, sql):
    with pytest.raises((InternalError, DatabaseError), match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert AccessEvent.objects.get(pk=event.pk).summary == ""


def test_admin_is_read_only_for_everyone(rf, event):
    model_admin = admin.site._registry[AccessEvent]
    request = rf.get("/")
    request.user = AdminFactory()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.has_view_permission(request, event)


def test_admin_browses_and_filters_the_log(client, event):
    client.force_login(AdminFactory())
    url = reverse("admin:audit_accessevent_changelist")
    response = client.get(url, {"action__exact": "view", "actor__id__exact": event.actor_id})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert client.get(url, {"action__exact": "change"}).context["cl"].result_count == 0
    detail = client.get(reverse("admin:audit_accessevent_change", args=[event.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert client.post(reverse("admin:audit_accessevent_delete", args=[event.pk])).status_code == 403


def test_who_viewed_my_record(client, patient, clinician):
    other = ClinicianFactory(first_name="Nadia", last_name="Other")
    MembershipFactory(patient=patient, clinician=other)
    client.force_login(clinician)
    client.get(_dashboard(patient), REMOTE_ADDR="198.51.100.4")
    client.force_login(other)
    client.get(_dashboard(patient))
    client.force_login(patient.user)
    client.get(_dashboard(patient))  # the patient's own view: not listed
    response = client.get(reverse("careteams:access-log", kwargs={"patient_id": patient.pk}))
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert [e.actor for e in events] == [other, clinician]
    body = response.content.decode()
    assert "Who viewed my record" in body and "Nadia Other" in body and "198.51.100.4" in body


def test_access_log_pages_and_query_count(client, patient, clinician, django_assert_max_num_queries):
    for _ in range(30):
        AccessEvent.objects.create(actor=clinician, patient=patient, action="view", path="/p/", method="GET")
    client.force_login(patient.user)
    url = reverse("careteams:access-log", kwargs={"patient_id": patient.pk})
    with django_assert_max_num_queries(11):
        first = client.get(url)
    assert len(first.context["page"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 5
