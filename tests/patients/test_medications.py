"""The medication pages: courses with their adherence, one tap on today's dose, backfill, stop, edit and delete;
every change to a course moves the next scan date (R5 reads the courses)."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse

from bonetrack.treatment.models import Course, Dose
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import CourseFactory, DoseFactory, catalogue_regimen
from tests.nutrition.factories import SupplementFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=False):
        yield


def list_url(patient) -> str:
    return reverse("medications:course-list", kwargs={"patient_id": patient.pk})


def course_url(name: str, course, **extra) -> str:
    return reverse(f"medications:{name}", kwargs={"patient_id": course.patient_id, "course_id": course.pk, **extra})


def regimen_pk(slug: str) -> int:
    return catalogue_regimen(slug).pk


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def treated(patient):
    """Osteoporosis on two scans (R5: 2 years on treatment, 1 year with a drug started since the previous scan)."""
    make_scan(patient, dt.date(2022, 3, 1), {"lumbar_spine": ("0.800", "-2.7")})
    make_scan(patient, dt.date(2024, 3, 1), {"lumbar_spine": ("0.810", "-2.6")})
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2026, 3, 1)
    return patient


def test_the_empty_page_explains_what_to_do(patient_client, patient):
    response = patient_client.get(list_url(patient))
    assert response.status_code == 200
    body = text(response)
    assert "No medication recorded yet." in body and "tick off your doses here" in body
    assert f'<a href="/patients/{patient.pk}/medications/" aria-current="page">Medication</a>' in body
    assert 'name="form_token"' in body


def test_adding_a_course_started_since_the_previous_scan_brings_the_next_scan_forward(patient_client, treated):
    data = {"regimen": regimen_pk("alendronate-70mg-weekly"), "started_on": "2024-09-02", "prescriber": "Dr Lee"}
    response = patient_client.post(list_url(treated), data)
    assert response.status_code == 302 and response["Location"] == list_url(treated)
    course = Course.objects.get(patient=treated)
    assert (str(course.regimen), course.started_on, course.prescriber, course.created_by) == (
        "Alendronate 70 mg weekly",
        dt.date(2024, 9, 2),
        "Dr Lee",
        treated.user,
    )
    treated.refresh_from_db()
    # R5: "1 year: ... a drug started or changed since the previous scan".
    assert treated.next_scan_due_on == dt.date(2025, 3, 1)
    assert treated.next_scan_due_rule.startswith("1 year")


def test_a_course_started_before_the_previous_scan_keeps_two_years(patient_client, treated):
    patient_client.post(list_url(treated), {"regimen": regimen_pk("alendronate-70mg-weekly"), "started_on": "2021-06-01"})
    treated.refresh_from_db()
    assert (treated.next_scan_due_on, treated.next_scan_due_rule[:7]) == (dt.date(2026, 3, 1), "2 years")


def test_stopping_deleting_and_editing_a_course_move_the_next_scan_date(patient_client, treated):
    course = CourseFactory(patient=treated, started_on=dt.date(2021, 6, 1))
    refresh_next_scan_due(treated)
    response = patient_client.post(course_url("course-stop", course), {"ended_on": "2024-08-01", "stop_reason": "side_effects"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.ended_on, course.stop_reason) == (dt.date(2024, 8, 1), "side_effects")
    treated.refresh_from_db()
    assert treated.next_scan_due_on == dt.date(2025, 3, 1)  # stopped since the previous scan: a change

    data = {"regimen": regimen_pk("alendronate-70mg-weekly"), "started_on": "2021-06-01", "ended_on": "2021-12-01"}
    response = patient_client.post(course_url("course-edit", course), data | {"stop_reason": "cost"})
    assert response.status_code == 302
    treated.refresh_from_db()
    assert treated.next_scan_due_on == dt.date(2026, 3, 1)

    DoseFactory(course=course, on=dt.date(2021, 6, 1))
    assert patient_client.post(course_url("course-delete", course)).status_code == 302
    assert not Course.objects.exists() and not Dose.objects.exists()


def test_a_refused_course_shows_why_and_saves_nothing(patient_client, patient):
    CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    response = patient_client.post(
        list_url(patient), {"regimen": regimen_pk("alendronate-10mg-daily"), "started_on": "2025-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["started_on"][0].startswith("This overlaps your Alendronate course")
    response = patient_client.post(
        list_url(patient), {"regimen": regimen_pk("raloxifene-60mg-daily"), "started_on": "2025-07-01"}
    )
    assert response.context["form"].errors["started_on"] == ["The start can't be in the future."]
    assert Course.objects.count() == 1


def test_stop_needs_a_date_and_a_reason(patient_client, patient):
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1))
    page = patient_client.get(course_url("course-stop", course))
    assert page.context["form"].initial["ended_on"] == TODAY
    response = patient_client.post(course_url("course-stop", course), {"ended_on": "2024-02-01"})
    assert response.context["form"].errors["stop_reason"] == ["Say why the course stopped."]
    course.refresh_from_db()
    assert course.is_current


def test_one_tap_records_todays_dose_and_the_adherence_moves(client, patient, clinician):
    course = CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=TODAY - dt.timedelta(days=9))
    for day in range(9):
        if day % 3:
            DoseFactory(course=course, on=course.started_on + dt.timedelta(days=day))
    client.force_login(patient.user)
    page = text(client.get(list_url(patient)))
    assert "60%" in page and "(6 of 10 doses)" in page and "below 80%" in page
    assert "Today's Raloxifene dose: taken" in page
    response = client.post(course_url("dose-tick", course), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.template_name == "treatment/course_list.html#courses"
    body = text(response)
    assert body.strip().startswith('<section id="courses"')
    assert "70%" in body and "(7 of 10 doses)" in body
    assert "✓</span> Today's dose: taken" in body
    assert json.loads(response["HX-Trigger"])["showMessage"]["value"] == "Raloxifene: today's dose taken."
    dose = Dose.objects.get(course=course, on=TODAY)
    assert (dose.status, dose.recorded_by) == ("taken", patient.user)
    # A second tap on a new form: the dose is there already, nothing more is written.
    client.force_login(clinician)
    again = client.post(course_url("dose-tick", course))
    assert again.status_code == 302
    assert Dose.objects.filter(course=course).count() == 7


def test_one_tap_works_without_javascript_and_can_be_undone(patient_client, patient):
    course = CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=TODAY)
    response = patient_client.post(course_url("dose-tick", course))
    assert response.status_code == 302 and response["Location"] == list_url(patient)
    dose = Dose.objects.get(course=course)
    page = text(patient_client.get(list_url(patient)))
    assert "100%" in page and "adherent" in page
    undo = patient_client.post(course_url("dose-delete", course, dose_id=dose.pk), {"return_to": "list"})
    assert undo["Location"] == list_url(patient)
    assert not Dose.objects.exists()


def test_no_tap_on_a_day_without_a_dose_or_for_clinic_doses(patient_client, patient):
    CourseFactory(patient=patient, started_on=TODAY - dt.timedelta(days=3))  # weekly: not today
    CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=TODAY)
    page = text(patient_client.get(list_url(patient)))
    assert "dose: taken" not in page
    assert "Record a dose given" in page


def test_backfill_and_clinic_doses_on_the_course_page(client, patient, clinician):
    course = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2024, 6, 1))
    client.force_login(clinician)
    page = client.get(course_url("course-detail", course))
    assert set(page.context["form"].fields) == {"on", "status", "site", "lot"}
    data = {"on": "2024-06-01", "status": "given", "site": "Left upper arm", "lot": "LOT-7"}
    response = client.post(course_url("course-detail", course), data)
    assert response.status_code == 302
    dose = Dose.objects.get(course=course)
    assert (dose.on, dose.status, dose.site, dose.lot, dose.recorded_by) == (
        dt.date(2024, 6, 1),
        "given",
        "Left upper arm",
        "LOT-7",
        clinician,
    )
    refused = client.post(course_url("course-detail", course), {"on": "2024-05-01", "status": "given"})
    assert refused.context["form"].errors["on"] == ["The course started on 1 Jun 2024: the dose can't be before that."]
    refused = client.post(course_url("course-detail", course), {"on": "2024-07-01", "status": "taken"})
    assert "status" in refused.context["form"].errors
    body = text(client.get(course_url("course-detail", course)))
    assert "Left upper arm · lot LOT-7" in body
    assert client.post(course_url("dose-delete", course, dose_id=dose.pk))["Location"] == course_url("course-detail", course)
    assert not Dose.objects.exists()


def test_self_given_doses_have_no_site_or_lot(patient_client, patient):
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 6, 1))
    assert set(patient_client.get(course_url("course-detail", course)).context["form"].fields) == {"on", "status"}


def test_oral_bisphosphonate_instructions_and_the_calcium_tip(patient_client, patient):
    CourseFactory(patient=patient, started_on=dt.date(2024, 6, 1))
    page = text(patient_client.get(list_url(patient)))
    assert "Stay upright for 30 minutes before any food, drink or other medicines, calcium supplements included." in page
    assert "your supplement plan has calcium" not in page
    SupplementFactory(patient=patient, kind="calcium", calcium_form="citrate", amount_per_unit=315)
    assert "your supplement plan has calcium" in text(patient_client.get(list_url(patient)))


def test_no_calcium_tip_without_an_oral_bisphosphonate_or_with_the_supplement_stopped(patient_client, patient):
    SupplementFactory(patient=patient, kind="calcium", calcium_form="citrate", amount_per_unit=315, active=False)
    CourseFactory(patient=patient, started_on=dt.date(2024, 6, 1))
    assert "your supplement plan has calcium" not in text(patient_client.get(list_url(patient)))
    SupplementFactory(patient=patient, kind="calcium", calcium_form="citrate", amount_per_unit=315)
    Course.objects.update(ended_on=dt.date(2024, 7, 1), stop_reason="finished")
    CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2024, 8, 1))
    assert "your supplement plan has calcium" not in text(patient_client.get(list_url(patient)))


def test_the_page_query_count_does_not_grow_with_courses_and_doses(patient_client, patient, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            start = dt.date(2010 + 2 * i, 1, 4)
            course = CourseFactory(
                patient=patient,
                regimen_slug="alendronate-70mg-weekly" if i % 2 else "raloxifene-60mg-daily",
                started_on=start,
                ended_on=start + dt.timedelta(days=300),
                stop_reason="finished",
            )
            Dose.objects.bulk_create(Dose(course=course, on=start + dt.timedelta(days=7 * w), status="taken") for w in range(40))
        SupplementFactory(patient=patient, kind="calcium", calcium_form="citrate", amount_per_unit=315)

    add(1)
    CourseFactory(patient=patient, regimen_slug="risedronate-35mg-weekly", started_on=dt.date(2025, 1, 5))
    # session, user, patient, the courses with their counts and today's dose (one query), the calcium supplement,
    # the R11 prompts (one query), the regimen choices of the form, and the savepoints of the request.
    with django_assert_max_num_queries(11) as one:
        patient_client.get(list_url(patient))
    add(4)
    with django_assert_max_num_queries(len(one)):
        response = patient_client.get(list_url(patient))
    assert len(response.context["courses"]) == 6
