"""Editing a clinical note: the author only, within NOTE_EDIT_WINDOW; the earlier text kept, shown and on the record."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bonetrack.audit.models import RecordEvent
from bonetrack.clinic.models import NOTE_EDIT_WINDOW, ClinicalNote, NoteRevision
from tests.dexa.factories import make_scan
from tests.factories import AdminFactory, ClinicianFactory, MembershipFactory

WRITTEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _edit_url(note):
    return reverse("clinic:note-edit", kwargs={"patient_id": note.patient_id, "note_id": note.pk})


def _timeline(patient):
    return reverse("clinic:timeline", kwargs={"patient_id": patient.pk})


@pytest.fixture
def note(patient, clinician):
    return ClinicalNote.objects.create(patient=patient, author=clinician, body="Calcium 600 mg a day.", created_at=WRITTEN)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_author_edits_the_note_and_the_earlier_text_is_kept(clinician_client, note, clinician):
    page = clinician_client.get(_edit_url(note))
    assert page.status_code == 200
    assert "Calcium 600 mg a day." in page.content.decode()  # the form is pre-filled

    response = clinician_client.post(_edit_url(note), {"body": "Calcium 1,200 mg a day."})

    assert response.status_code == 302 and response.url == _timeline(note.patient)
    note.refresh_from_db()
    assert note.body == "Calcium 1,200 mg a day."
    assert note.edited_at == WRITTEN + dt.timedelta(hours=2)
    revision = NoteRevision.objects.get()
    assert (revision.note, revision.body, revision.edited_by, revision.edited_at) == (
        note,
        "Calcium 600 mg a day.",
        clinician,
        WRITTEN + dt.timedelta(hours=2),
    )


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_each_edit_is_a_record_event(clinician_client, note, clinician):
    clinician_client.post(_edit_url(note), {"body": "Second text."})
    clinician_client.post(_edit_url(note), {"body": "Third text."})
    events = RecordEvent.objects.filter(kind="note_edited")
    assert events.count() == 2
    event = events.first()
    assert (event.patient, event.actor, event.details) == (note.patient, clinician, {"note_id": note.pk})
    assert event.summary == "Clinical note of 2 Mar 2026 edited"
    assert "Third" not in event.summary  # the record event does not repeat the care team's note
    assert list(NoteRevision.objects.values_list("body", flat=True)) == ["Second text.", "Calcium 600 mg a day."]


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_saving_the_same_text_keeps_no_revision(clinician_client, note):
    response = clinician_client.post(_edit_url(note), {"body": "Calcium 600 mg a day."})
    assert response.status_code == 302
    assert not NoteRevision.objects.exists() and not RecordEvent.objects.exists()
    note.refresh_from_db()
    assert note.edited_at is None


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_timeline_shows_edited_with_the_earlier_versions(clinician_client, note):
    clinician_client.post(_edit_url(note), {"body": "Corrected text."})
    html = clinician_client.get(_timeline(note.patient)).content.decode()
    assert "Corrected text." in html
    assert ">Edited</span>" in html
    assert '<details class="note-versions">' in html
    assert "Calcium 600 mg a day." in html  # the earlier text, inside the details
    assert _edit_url(note) in html  # still within the window: the author is offered the edit


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_an_empty_note_is_refused_next_to_the_field(clinician_client, note):
    response = clinician_client.post(_edit_url(note), {"body": "   "})
    assert response.status_code == 422
    assert "Write the note before saving it." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Calcium 600 mg a day." and not NoteRevision.objects.exists()


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_another_clinician_of_the_team_may_not_edit(note, patient):
    colleague = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=colleague)
    client = _client_for(colleague)
    page = client.get(_edit_url(note))
    assert page.status_code == 403
    assert "Only the clinician who wrote a note can change it." in page.content.decode()
    assert client.post(_edit_url(note), {"body": "Not mine to change."}).status_code == 403
    note.refresh_from_db()
    assert note.body == "Calcium 600 mg a day." and not NoteRevision.objects.exists()
    # Nor is the edit offered on the timeline.
    assert _edit_url(note) not in client.get(_timeline(patient)).content.decode()


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_an_admin_may_not_edit_a_clinicians_note(note):
    client = _client_for(AdminFactory())
    assert client.post(_edit_url(note), {"body": "Admin text."}).status_code == 403
    note.refresh_from_db()
    assert note.body == "Calcium 600 mg a day."


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_the_patient_may_not_edit(patient_client, note):
    assert patient_client.post(_edit_url(note), {"body": "My text."}).status_code == 403
    note.refresh_from_db()
    assert note.body == "Calcium 600 mg a day."


def test_the_author_may_not_edit_after_the_window(clinician_client, note):
    with time_machine.travel(WRITTEN + NOTE_EDIT_WINDOW - dt.timedelta(seconds=1), tick=False):
        assert clinician_client.get(_edit_url(note)).status_code == 200
        assert _edit_url(note) in clinician_client.get(_timeline(note.patient)).content.decode()
    with time_machine.travel(WRITTEN + NOTE_EDIT_WINDOW, tick=False):
        page = clinician_client.get(_edit_url(note))
        assert page.status_code == 403
        assert "only in the 24 hours after it was written" in page.content.decode()
        assert clinician_client.post(_edit_url(note), {"body": "Too late."}).status_code == 403
        assert _edit_url(note) not in clinician_client.get(_timeline(note.patient)).content.decode()
    note.refresh_from_db()
    assert note.body == "Calcium 600 mg a day." and not NoteRevision.objects.exists()


def test_window_is_24_hours():
    assert dt.timedelta(hours=24) == NOTE_EDIT_WINDOW


def _queries_for_timeline(client, patient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_timeline(patient))
    assert response.status_code == 200
    return len(queries)


def test_edited_notes_cost_one_query_whatever_their_number(client, patient, clinician):
    now = timezone.now()
    notes = [
        ClinicalNote.objects.create(patient=patient, author=clinician, body=f"Note {i}", created_at=now - dt.timedelta(hours=i))
        for i in range(5)
    ]
    client.force_login(clinician)
    client.get(_timeline(patient))  # the first request of a session does more (e.g. the session row)
    unedited = _queries_for_timeline(client, patient)

    def edit(note):
        for j in range(3):
            NoteRevision.objects.create(note=note, body=f"{note.body} version {j}", edited_by=clinician)
        ClinicalNote.objects.filter(pk=note.pk).update(edited_at=now)

    edit(notes[0])
    assert _queries_for_timeline(client, patient) == unedited + 1
    for note in notes[1:]:
        edit(note)
    assert _queries_for_timeline(client, patient) == unedited + 1
    assert client.get(_timeline(patient)).content.decode().count('<details class="note-versions">') == 5


@time_machine.travel(WRITTEN + dt.timedelta(hours=2), tick=False)
def test_scan_page_says_a_note_about_it_was_edited(clinician_client, patient, clinician):
    scan = make_scan(patient, dt.date(2026, 2, 20), {"lumbar_spine": ("0.900", "-1.5")})
    note = ClinicalNote.objects.create(patient=patient, author=clinician, body="About this scan.", scan=scan, created_at=WRITTEN)
    detail = reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
    assert "edited (earlier versions" not in clinician_client.get(detail).content.decode()
    clinician_client.post(_edit_url(note), {"body": "About this scan, corrected."})
    body = clinician_client.get(detail).content.decode()
    assert "About this scan, corrected." in body and "edited (earlier versions on the timeline)" in body
