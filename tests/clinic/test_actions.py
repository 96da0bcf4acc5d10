import datetime as dt

import pytest
from django.urls import reverse

from bonetrack.audit.models import AccessEvent
from bonetrack.clinic.models import ClinicalNote
from tests.dexa.factories import make_scan
from tests.factories import AdminFactory


def _note_url(patient):
    return reverse("clinic:note-add", kwargs={"patient_id": patient.pk})


def _interval_url(patient):
    return reverse("clinic:scan-interval", kwargs={"patient_id": patient.pk})


def test_clinician_adds_a_note_and_it_is_audited(clinician_client, patient, clinician):
    response = clinician_client.post(_note_url(patient), {"body": "  Reviewed calcium intake.  "}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response.url == reverse("clinic:timeline", kwargs={"patient_id": patient.pk})
    note = ClinicalNote.objects.get()
    assert (note.patient, note.author, note.body) == (patient, clinician, "Reviewed calcium intake.")
    event = AccessEvent.objects.get()
    assert (event.actor, event.patient, event.action) == (clinician, patient, "create")
    assert (event.method, event.ip) == ("POST", "10.1.2.3")
    timeline = clinician_client.get(response.url)
    assert b"Reviewed calcium intake." in timeline.content
    assert b"Note added to the timeline." in timeline.content


def test_htmx_note_redirects_on_the_client(clinician_client, patient):
    response = clinician_client.post(_note_url(patient), {"body": "Via htmx."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("clinic:timeline", kwargs={"patient_id": patient.pk})


def test_empty_note_is_refused_next_to_the_field_and_nothing_is_saved(clinician_client, patient):
    response = clinician_client.post(_note_url(patient), {"body": "   "})
    assert response.status_code == 200
    assert "Write the note before saving it." in response.content.decode()
    assert not ClinicalNote.objects.exists()
    # The attempt is still on the access log: the form showed the record to the clinician.
    assert AccessEvent.objects.get().method == "POST"


def test_patient_may_not_write_notes(patient_client, patient):
    assert patient_client.post(_note_url(patient), {"body": "Self note"}).status_code == 403
    assert not ClinicalNote.objects.exists()


def test_admin_may_write_notes(client, patient):
    admin = AdminFactory()
    client.force_login(admin)
    assert client.post(_note_url(patient), {"body": "Admin note"}).status_code == 302
    assert ClinicalNote.objects.get().author == admin


def test_clinician_sets_and_clears_the_scan_interval(clinician_client, patient, clinician):
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("1.050", "-0.4")})  # normal: no date by default (R5)
    assert clinician_client.post(_interval_url(patient), {"scan_interval_months": "24"}).status_code == 302
    patient.refresh_from_db()
    assert (patient.scan_interval_months, patient.scan_interval_set_by) == (24, clinician)
    # The next scan date follows at once.
    assert patient.next_scan_due_on == dt.date(2023, 4, 1)
    assert patient.next_scan_due_rule == "Every 24 months, set by your clinician."
    assert clinician_client.post(_interval_url(patient), {"scan_interval_months": ""}).status_code == 302
    patient.refresh_from_db()
    assert (patient.scan_interval_months, patient.scan_interval_set_by) == (None, None)
    assert patient.next_scan_due_on is None and patient.next_scan_due_rule.startswith("None scheduled by default")
    assert list(AccessEvent.objects.order_by("pk").values_list("action", flat=True)) == ["change", "change"]


@pytest.mark.parametrize("value", ["3", "181", "abc"])
def test_scan_interval_out_of_range_is_refused(clinician_client, patient, value):
    response = clinician_client.post(_interval_url(patient), {"scan_interval_months": value})
    assert response.status_code == 200
    assert response.context["form"].errors["scan_interval_months"]
    assert f'value="{value}"' in response.content.decode()
    patient.refresh_from_db()
    assert patient.scan_interval_months is None


def test_patient_may_not_set_their_scan_interval(patient_client, patient):
    assert patient_client.post(_interval_url(patient), {"scan_interval_months": "12"}).status_code == 403
    patient.refresh_from_db()
    assert patient.scan_interval_months is None
