"""The worklist as CSV: every matching patient (not one page), in the worklist's filter and sort, safe in a spreadsheet."""

import csv
import datetime as dt
import io
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bonetrack.audit.models import AccessEvent
from bonetrack.clinic import export as worklist_export
from bonetrack.core.timezones import local_today
from tests.factories import ClinicianFactory, CourseFactory, FractureFactory, MembershipFactory, PatientFactory

URL = reverse("clinic:worklist-csv")


@pytest.fixture
def team(db):
    """A clinician with three patients: one overdue with two fragility fractures and on treatment, one whose name would
    start a spreadsheet formula, and one never scanned; plus someone else's patient."""
    clinician = ClinicianFactory(time_zone="Europe/London")
    today = local_today(clinician)
    overdue = PatientFactory(
        user__first_name="Olive",
        user__last_name="Overdue",
        date_of_birth=dt.date(1950, 1, 1),
        next_scan_due_on=today - dt.timedelta(days=12),
    )
    formula = PatientFactory(
        user__first_name="=HYPERLINK(1)",
        user__last_name="Sam",
        date_of_birth=dt.date(1970, 6, 1),
        next_scan_due_on=today + dt.timedelta(days=40),
    )
    unknown = PatientFactory(user__first_name="Una", user__last_name="Unscanned", date_of_birth=dt.date(1960, 3, 3))
    for patient in (overdue, formula, unknown):
        MembershipFactory(patient=patient, clinician=clinician)
    PatientFactory(user__first_name="Noah", user__last_name="Notmine")
    FractureFactory(patient=overdue, fragility=True)
    FractureFactory(patient=overdue, fragility=True, occurred_on=dt.date(2021, 5, 5))
    CourseFactory(patient=overdue, started_on=dt.date(2022, 1, 3))
    return types.SimpleNamespace(clinician=clinician, today=today, overdue=overdue, formula=formula, unknown=unknown)


def _rows(client, **params) -> list[dict]:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bonetrack-worklist-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_default_sort_and_the_plain_values_of_each_column(client, team):
    client.force_login(team.clinician)
    rows = _rows(client)
    # Next scan due, soonest (most overdue) first, unknown dates last: as the worklist page.
    assert [row["Age"] for row in rows] == [
        str(team.overdue.age_on(team.today)),
        str(team.formula.age_on(team.today)),
        str(team.unknown.age_on(team.today)),
    ]
    olive = rows[0]
    assert olive["Patient"] == "Olive Overdue"
    assert olive["Next scan due"] == (team.today - dt.timedelta(days=12)).isoformat()
    assert olive["Fragility fractures"] == "2"
    assert olive["Medication"] == "On Alendronate since 3 Jan 2022"
    assert rows[2]["Next scan due"] == ""


def test_formula_cells_are_neutralised(client, team):
    client.force_login(team.clinician)
    rows = _rows(client)
    assert rows[1]["Patient"] == "'=HYPERLINK(1) Sam"


def test_the_filter_and_sort_of_the_worklist_are_honoured(client, team):
    client.force_login(team.clinician)
    assert [row["Patient"] for row in _rows(client, filter="overdue")] == ["Olive Overdue"]
    # Age descending: the oldest first.
    assert [row["Patient"] for row in _rows(client, sort="-age")] == ["Olive Overdue", "Una Unscanned", "'=HYPERLINK(1) Sam"]
    assert [row["Patient"] for row in _rows(client, q="una")] == ["Una Unscanned"]


def test_every_matching_patient_is_written_not_just_one_page_and_each_is_in_the_access_log(client, team, monkeypatch):
    for n in range(27):  # 30 patients: more than a page of 25
        MembershipFactory(patient=PatientFactory(user__last_name=f"Extra{n:02d}"), clinician=team.clinician)
    client.force_login(team.clinician)
    monkeypatch.setattr(worklist_export, "CHUNK_SIZE", 8)  # four chunks: 8, 8, 8 and 6
    rows = _rows(client)
    assert len(rows) == 30
    # Due dates first (Olive, then Sam), then those with none by last name: Extra00 … Extra26, Unscanned.
    names = [row["Patient"] for row in rows]
    assert names[:2] == ["Olive Overdue", "'=HYPERLINK(1) Sam"]
    assert [name.rsplit(" ", 1)[-1] for name in names[2:]] == [f"Extra{n:02d}" for n in range(27)] + ["Unscanned"]
    assert AccessEvent.objects.filter(actor=team.clinician, summary="Worklist CSV").count() == 30


def test_the_worklist_page_links_to_the_csv_of_its_filter_and_sort(client, team):
    client.force_login(team.clinician)
    page = client.get(reverse("clinic:worklist"), {"filter": "overdue", "sort": "-age"}).content.decode()
    assert f'href="{URL}?filter=overdue&amp;sort=-age"' in page


def test_queries_do_not_grow_with_the_number_of_patients(client, team):
    client.force_login(team.clinician)
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client)) == 3
    for n in range(20):
        MembershipFactory(patient=PatientFactory(user__last_name=f"More{n:02d}"), clinician=team.clinician)
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client)) == 23
    assert len(many) == len(few)


def test_patients_and_anonymous_users_get_no_csv(client, team):
    client.force_login(team.overdue.user)
    assert client.get(URL).status_code == 403
