import datetime as dt
import types

import pytest
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bonetrack.accounts.models import Fracture
from bonetrack.clinic import worklist as clinic_worklist
from bonetrack.clinic import workspace
from bonetrack.core.timezones import local_today
from bonetrack.core.worklist import WorklistColumn, WorklistFilter
from tests.factories import AdminFactory, ClinicianFactory, CourseFactory, FractureFactory, MembershipFactory, PatientFactory

URL = reverse("clinic:worklist")


def _names(response) -> list[str]:
    return [row["patient"].name for row in response.context["rows"]]


@pytest.fixture
def team(db):
    """A clinician with three patients (one overdue), plus a revoked one and someone else's."""
    clinician = ClinicianFactory(time_zone="Europe/London")
    today = local_today(clinician)
    overdue = PatientFactory(
        user__first_name="Olive",
        user__last_name="Overdue",
        date_of_birth=dt.date(1950, 1, 1),
        next_scan_due_on=today - dt.timedelta(days=12),
    )
    soon = PatientFactory(
        user__first_name="Sam",
        user__last_name="Soon",
        date_of_birth=dt.date(1970, 6, 1),
        next_scan_due_on=today + dt.timedelta(days=40),
    )
    unknown = PatientFactory(user__first_name="Una", user__last_name="Unscanned", date_of_birth=dt.date(1960, 3, 3))
    for patient in (overdue, soon, unknown):
        MembershipFactory(patient=patient, clinician=clinician)
    revoked = PatientFactory(user__first_name="Rita", user__last_name="Revoked", next_scan_due_on=today - dt.timedelta(days=5))
    MembershipFactory(patient=revoked, clinician=clinician).revoke(by=revoked.user)
    PatientFactory(user__first_name="Noah", user__last_name="Notmine")
    FractureFactory(patient=overdue, fragility=True)
    FractureFactory(patient=overdue, fragility=True, occurred_on=dt.date(2021, 5, 5))
    FractureFactory(patient=overdue, fragility=False, occurred_on=dt.date(2022, 5, 5))
    return types.SimpleNamespace(clinician=clinician, today=today, overdue=overdue, soon=soon, unknown=unknown)


def test_lists_only_the_care_team_without_revoked_patients(client, team):
    client.force_login(team.clinician)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Olive Overdue", "Sam Soon", "Una Unscanned"]
    assert b"Rita" not in response.content and b"Noah" not in response.content


def test_admin_sees_every_patient(client, team):
    client.force_login(AdminFactory())
    response = client.get(URL)
    assert len(response.context["rows"]) == 5


def test_foundation_columns_show_age_due_date_and_fragility_fractures(client, team):
    client.force_login(team.clinician)
    response = client.get(URL)
    row = next(row for row in response.context["rows"] if row["patient"] == team.overdue)
    values = {cell["column"].key: cell["value"] for cell in row["cells"]}
    assert values["age"] == team.overdue.age_on(team.today)
    assert values["next_scan_due_on"] == team.today - dt.timedelta(days=12)
    assert values["fragility_fractures"] == 2  # the high-trauma one does not count
    assert b"Overdue by 12 days" in response.content


def test_default_order_puts_the_most_overdue_first_and_unknown_due_dates_last(client, team):
    client.force_login(team.clinician)
    assert _names(client.get(URL)) == ["Olive Overdue", "Sam Soon", "Una Unscanned"]


def test_overdue_filter(client, team):
    client.force_login(team.clinician)
    response = client.get(URL, {"filter": "overdue"})
    assert _names(response) == ["Olive Overdue"]
    assert b"1 patient matches" in response.content


def test_search_by_name(client, team):
    client.force_login(team.clinician)
    assert _names(client.get(URL, {"q": "sOOn"})) == ["Sam Soon"]
    assert _names(client.get(URL, {"q": "una unsc"})) == ["Una Unscanned"]
    assert _names(client.get(URL, {"q": "Rita"})) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("age", ["Sam Soon", "Una Unscanned", "Olive Overdue"]),
        ("-age", ["Olive Overdue", "Una Unscanned", "Sam Soon"]),
        ("name", ["Olive Overdue", "Sam Soon", "Una Unscanned"]),
        ("-name", ["Una Unscanned", "Sam Soon", "Olive Overdue"]),
        ("-next_scan_due_on", ["Sam Soon", "Olive Overdue", "Una Unscanned"]),
        ("-fragility_fractures", ["Olive Overdue", "Sam Soon", "Una Unscanned"]),
    ],
)
def test_sort_by_any_column(client, team, sort, expected):
    client.force_login(team.clinician)
    response = client.get(URL, {"sort": sort})
    assert _names(response) == expected
    current = next(h for h in response.context["headers"] if h["column"].key == sort.removeprefix("-"))
    assert current["aria_sort"] == ("descending" if sort.startswith("-") else "ascending")


def test_unknown_sort_and_filter_are_ignored(client, team):
    client.force_login(team.clinician)
    response = client.get(URL, {"sort": "user__password", "filter": "nonsense"})
    assert response.status_code == 200
    assert _names(response) == ["Olive Overdue", "Sam Soon", "Una Unscanned"]


def test_htmx_request_gets_only_the_results(client, team):
    client.force_login(team.clinician)
    response = client.get(URL, {"filter": "overdue"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert '<section id="worklist-results"' in body
    assert "<html" not in body and "Olive Overdue" in body
    # The search form's sort field follows the table's sort after an htmx swap.
    assert '<input type="hidden" id="worklist-sort" name="sort" value="next_scan_due_on" hx-swap-oob="true">' in body


def test_pagination_25_a_page_keeping_the_query(client, db):
    clinician = ClinicianFactory()
    for i in range(30):
        MembershipFactory(clinician=clinician, patient=PatientFactory(user__last_name=f"Patient{i:02d}"))
    client.force_login(clinician)
    first = client.get(URL, {"sort": "name"})
    assert len(first.context["rows"]) == 25
    assert 'href="?sort=name&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"sort": "name", "page": 2})
    assert [row["patient"].user.last_name for row in second.context["rows"]] == [f"Patient{i}" for i in range(25, 30)]


def _team_of(n: int):
    clinician = ClinicianFactory()
    today = timezone.localdate()
    for i in range(n):
        patient = PatientFactory(next_scan_due_on=today - dt.timedelta(days=i - n // 2))
        MembershipFactory(patient=patient, clinician=clinician)
        FractureFactory(patient=patient)
        CourseFactory(patient=patient, started_on=dt.date(2020, 1, 1), ended_on=dt.date(2021, 1, 1), stop_reason="finished")
        CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2021, 2, 1))
    return clinician


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("params", [{}, {"sort": "-fragility_fractures", "filter": "overdue", "q": "e"}, {"page": 2}])
def test_query_count_does_not_grow_with_patients(client, db, django_assert_max_num_queries, n, params):
    client.force_login(_team_of(n))
    with django_assert_max_num_queries(10):
        response = client.get(URL, params)
    assert response.status_code == 200


# Other apps plug in through <app>/worklist.py; a fake one proves the generic mechanism.
def _fake_worklist_module():
    def annotate(patients, today):
        recent = (
            Fracture.objects.filter(patient=OuterRef("pk"), occurred_on__gte=dt.date(2020, 1, 1))
            .order_by()
            .values("patient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return patients.annotate(recent_fractures=Coalesce(Subquery(recent, output_field=IntegerField()), 0))

    return types.SimpleNamespace(
        COLUMNS=[
            WorklistColumn("recent_fractures", "Since 2020", order=65, template="clinic/cells/fractures.html"),
            WorklistColumn("height_cm", "Height", order=66, sortable=False),
        ],
        FILTERS=[WorklistFilter("recent", "Recent fracture", lambda today: Q(recent_fractures__gt=0))],
        annotate=annotate,
    )


@pytest.fixture
def fake_module(monkeypatch):
    fake = _fake_worklist_module()
    monkeypatch.setattr(workspace, "WORKLIST_SOURCES", (clinic_worklist, fake))
    return fake


def test_registered_module_adds_a_column_a_filter_and_a_sort(client, team, fake_module, django_assert_max_num_queries):
    FractureFactory(patient=team.soon, occurred_on=dt.date(2023, 1, 1))
    FractureFactory(patient=team.soon, occurred_on=dt.date(2024, 1, 1))
    FractureFactory(patient=team.soon, occurred_on=dt.date(2025, 1, 1), fragility=False)
    client.force_login(team.clinician)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"sort": "-recent_fractures"})
    labels = [h["column"].label for h in response.context["headers"]]
    assert labels == ["Patient", "Age", "Next scan due", "Since 2020", "Height", "Medication", "Fragility fractures"]
    assert _names(response) == ["Sam Soon", "Olive Overdue", "Una Unscanned"]
    values = {row["patient"].name: {c["column"].key: c["value"] for c in row["cells"]} for row in response.context["rows"]}
    assert values["Sam Soon"]["recent_fractures"] == 3
    assert values["Olive Overdue"]["recent_fractures"] == 2  # 2021 and 2022; the 2019 one is older
    assert values["Sam Soon"]["height_cm"] == 165
    height = next(h for h in response.context["headers"] if h["column"].key == "height_cm")
    assert height["url"] == ""  # not sortable
    filtered = client.get(URL, {"filter": ["recent", "overdue"]})
    assert _names(filtered) == ["Olive Overdue"]
    assert b'value="recent" checked' in filtered.content


def test_sort_on_a_column_whose_sort_field_differs_from_its_key(client, team, monkeypatch):
    fake = types.SimpleNamespace(
        COLUMNS=[WorklistColumn("birth", "Born", order=3, sort="-date_of_birth")],
        annotate=lambda patients, today: patients.annotate(birth=F("date_of_birth")),
    )
    monkeypatch.setattr(workspace, "WORKLIST_SOURCES", (clinic_worklist, fake))
    client.force_login(team.clinician)
    assert _names(client.get(URL, {"sort": "birth"})) == ["Sam Soon", "Una Unscanned", "Olive Overdue"]


def test_home_sends_clinicians_to_the_worklist(client, team):
    client.force_login(team.clinician)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == URL
    nav = client.get(URL).context["nav_links"]
    assert nav[0] == {"label": "Worklist", "url": URL, "current": True}


def test_cells_render_templates_and_escape_plain_values(client, team, monkeypatch):
    fake = types.SimpleNamespace(
        COLUMNS=[WorklistColumn("risky", "Risky", order=4), WorklistColumn("missing", "Missing", order=5)],
        annotate=lambda patients, today: patients.annotate(risky=F("user__last_name")),
    )
    team.soon.user.last_name = "<b>Soon</b>"
    team.soon.user.save()
    monkeypatch.setattr(workspace, "WORKLIST_SOURCES", (clinic_worklist, fake))
    client.force_login(team.clinician)
    body = client.get(URL).content.decode()
    assert '<td data-label="Risky">&lt;b&gt;Soon&lt;/b&gt;</td>' in body
    assert '<td data-label="Missing">—</td>' in body
    assert f'<a href="{reverse("clinic:timeline", kwargs={"patient_id": team.overdue.pk})}">Olive Overdue</a>' in body


def _on_treatment(patient, since, regimen_slug="alendronate-70mg-weekly"):
    CourseFactory(patient=patient, started_on=since, regimen_slug=regimen_slug)


def test_medication_column_shows_treatment_and_its_date(client, team):
    _on_treatment(team.soon, dt.date(2021, 3, 4))
    # A course of a drug that was not recorded (carried over from the old profile checkbox).
    _on_treatment(team.unknown, dt.date(2019, 7, 8), regimen_slug="unspecified")
    # A course that stopped: not on treatment, whatever happened before.
    CourseFactory(patient=team.overdue, started_on=dt.date(2018, 1, 1), ended_on=dt.date(2020, 1, 1), stop_reason="cost")
    client.force_login(team.clinician)
    response = client.get(URL)
    values = {row["patient"].name: {c["column"].key: c["value"] for c in row["cells"]} for row in response.context["rows"]}
    assert [values[name]["on_medication"] for name in ("Olive Overdue", "Sam Soon", "Una Unscanned")] == [False, True, True]
    body = response.content.decode()
    assert 'On Alendronate since <time datetime="2021-03-04">4 Mar 2021</time>' in body
    assert 'On treatment since <time datetime="2019-07-08">8 Jul 2019</time>' in body  # drug not recorded
    assert '<td data-label="Medication"><span class="muted">Not on treatment</span></td>' in body


def test_medication_column_shows_the_latest_change_and_the_newest_current_drug(client, team):
    CourseFactory(patient=team.soon, started_on=dt.date(2018, 1, 1), ended_on=dt.date(2023, 5, 6), stop_reason="finished")
    _on_treatment(team.soon, dt.date(2023, 5, 6), regimen_slug="denosumab-60mg-6-monthly")
    _on_treatment(team.soon, dt.date(2020, 2, 3), regimen_slug="raloxifene-60mg-daily")
    client.force_login(team.clinician)
    body = client.get(URL).content.decode()
    assert 'On Denosumab since <time datetime="2023-05-06">6 May 2023</time>' in body


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-on_medication", ["Sam Soon", "Olive Overdue", "Una Unscanned"]),
        ("on_medication", ["Olive Overdue", "Una Unscanned", "Sam Soon"]),
    ],
)
def test_sort_by_medication(client, team, sort, expected):
    _on_treatment(team.soon, dt.date(2021, 3, 4))
    client.force_login(team.clinician)
    assert _names(client.get(URL, {"sort": sort})) == expected


def test_medication_column_adds_no_query(client, db, django_assert_max_num_queries):
    clinician = _team_of(5)
    client.force_login(clinician)
    client.get(URL)  # warm up
    with django_assert_max_num_queries(10) as by_fractures:
        client.get(URL, {"sort": "-fragility_fractures"})
    # Reading and sorting the medication column costs nothing more: correlated subqueries of the page query.
    with django_assert_max_num_queries(len(by_fractures)):
        response = client.get(URL, {"sort": "-on_medication"})
    assert len(response.context["rows"]) == 5
