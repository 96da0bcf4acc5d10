"""The worklist's treatment columns and the late-denosumab filter: the same boundary as the R11 prompt, in a fixed
number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from bonetrack.treatment import prompts
from bonetrack.treatment.prompts import CourseFacts
from bonetrack.treatment.worklist import late_denosumab_cutoffs
from tests.factories import ClinicianFactory, CourseFactory, DoseFactory, MembershipFactory, PatientFactory

URL = reverse("clinic:worklist")
TODAY = dt.date(2025, 6, 15)
NOW = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)
DENOSUMAB = "denosumab-60mg-6-monthly"


def _denosumab(start, doses):
    return CourseFacts(
        drug_slug="denosumab", drug_name="Denosumab", drug_class=prompts.ANTI_RESORPTIVE, family="rankl_inhibitor",
        route="sc", schedule="every_6_months", started_on=start, ended_on=None, dose_dates=tuple(doses),
    )  # fmt: skip


def _late(start, doses, today) -> bool:
    return any(p.code == prompts.DENOSUMAB_LATE for p in prompts.course_prompts([_denosumab(start, doses)], today=today))


def test_cutoffs_agree_with_the_prompt_on_every_day_of_three_years():
    today = dt.date(2024, 1, 1)
    while today <= dt.date(2026, 12, 31):
        last_cutoff, start_cutoff = late_denosumab_cutoffs(today)
        for shift in range(-4, 5):
            last = last_cutoff + dt.timedelta(days=shift)
            assert _late(dt.date(2000, 1, 1), [last], today) is (last <= last_cutoff), (today, last)
            start = start_cutoff + dt.timedelta(days=shift)
            assert _late(start, [], today) is (start <= start_cutoff), (today, start)
        today += dt.timedelta(days=1)


@pytest.fixture
def clinic(db):
    clinician = ClinicianFactory()

    def patient(last_name):
        patient = PatientFactory(user__last_name=last_name)
        MembershipFactory(patient=patient, clinician=clinician)
        return patient

    return clinician, patient


def _rows(client, params=None):
    return {row["patient"].user.last_name: row for row in client.get(URL, params or {}).context["rows"]}


def _cell(row, key):
    return next(cell for cell in row["cells"] if cell["column"].key == key)


@time_machine.travel(NOW, tick=False)
def test_late_denosumab_filter_at_its_boundary_30_vs_31_days_late(client, clinic, django_assert_max_num_queries):
    clinician, patient = clinic
    # Due 15 May 2025 (6 months after the last dose): 31 days late today, so one calendar month late.
    late = CourseFactory(patient=patient("Late"), regimen_slug=DENOSUMAB, started_on=dt.date(2023, 5, 15))
    DoseFactory(course=late, on=dt.date(2024, 11, 15))
    # Due 16 May 2025: 30 days late, not yet.
    almost = CourseFactory(patient=patient("Almost"), regimen_slug=DENOSUMAB, started_on=dt.date(2023, 5, 16))
    DoseFactory(course=almost, on=dt.date(2024, 11, 16))
    # No dose recorded: due on the start, late a month after it.
    CourseFactory(patient=patient("Undosed"), regimen_slug=DENOSUMAB, started_on=dt.date(2025, 5, 15))
    CourseFactory(patient=patient("Fresh"), regimen_slug=DENOSUMAB, started_on=dt.date(2025, 5, 16))
    # Stopped denosumab is the follow-on prompt's business, not this filter's.
    stopped = CourseFactory(
        patient=patient("Stopped"), regimen_slug=DENOSUMAB, started_on=dt.date(2023, 1, 2), ended_on=dt.date(2024, 1, 2),
        stop_reason="clinician_decision",
    )  # fmt: skip
    DoseFactory(course=stopped, on=dt.date(2023, 1, 2))
    CourseFactory(patient=patient("Alendronate"), started_on=dt.date(2020, 1, 6))
    client.force_login(clinician)
    client.get(URL)  # warm up
    with django_assert_max_num_queries(10):
        rows = _rows(client, {"filter": "late_denosumab"})
    assert sorted(rows) == ["Late", "Undosed"]
    assert [f["title"] for f in _cell(rows["Late"], "treatment_prompts")["value"]] == ["Denosumab dose late"]
    assert 'badge badge-danger" title="Denosumab dose 31 days late' in _cell(rows["Late"], "treatment_prompts")["html"]
    everyone = _rows(client)
    assert _cell(everyone["Almost"], "treatment_prompts")["value"] == []
    assert _cell(everyone["Fresh"], "treatment_prompts")["value"] == []


@time_machine.travel(NOW, tick=False)
def test_adherence_and_alerts_columns(client, clinic):
    clinician, patient = clinic
    weekly = CourseFactory(patient=patient("Weekly"), started_on=TODAY - dt.timedelta(days=7 * 9))  # 10 doses due
    for n in range(9):
        DoseFactory(course=weekly, on=weekly.started_on + dt.timedelta(days=7 * n))
    bisphosphonate = CourseFactory(patient=patient("Review"), started_on=dt.date(2020, 6, 15))
    patient("Untreated")
    client.force_login(clinician)
    rows = _rows(client)
    assert _cell(rows["Weekly"], "treatment_adherence")["value"].percent == 90
    assert ">90%<" in _cell(rows["Weekly"], "treatment_adherence")["html"]
    assert "badge-ok" in _cell(rows["Weekly"], "treatment_adherence")["html"]
    assert _cell(rows["Untreated"], "treatment_adherence")["value"] is None
    assert [f["title"] for f in _cell(rows["Review"], "treatment_prompts")["value"]] == ["Bisphosphonate review due"]
    assert bisphosphonate.pk
    assert _cell(rows["Weekly"], "treatment_prompts")["html"] == '<span class="muted">—</span>\n'


@pytest.mark.parametrize("n", [3, 30])
def test_treatment_columns_cost_one_query_whatever_the_patients(client, clinic, django_assert_max_num_queries, n):
    clinician, patient = clinic
    for i in range(n):
        course = CourseFactory(patient=patient(f"P{i}"), regimen_slug=DENOSUMAB, started_on=dt.date(2020, 1, 6))
        for k in range(10):
            DoseFactory(course=course, on=dt.date(2020 + k // 2, 1 if k % 2 == 0 else 7, 6))
    client.force_login(clinician)
    client.get(URL)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"filter": "late_denosumab"})
    assert len(response.context["rows"]) == min(n, 25)


def test_prepare_rows_hands_each_source_the_page_rows_once(monkeypatch):
    from types import SimpleNamespace

    from bonetrack.clinic import workspace

    calls = []
    source = SimpleNamespace(prepare_rows=lambda patients, today: calls.append((list(patients), today)))
    monkeypatch.setattr(workspace, "WORKLIST_SOURCES", (SimpleNamespace(), source))
    rows = [SimpleNamespace(pk=1), SimpleNamespace(pk=2)]
    assert workspace.prepare_rows(rows, TODAY) is rows
    assert calls == [(rows, TODAY)]
