"""A profile cannot hold what cannot be true: a postmenopausal man, medication started before birth, records before birth."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from bonetrack.accounts.models import MENOPAUSE_MESSAGE, PatientProfile, User
from bonetrack.treatment.models import Course
from exercise.models import ExerciseSession
from tests.dexa.factories import make_scan
from tests.factories import CourseFactory, FractureFactory, catalogue_regimen

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1958, 5, 20)  # PatientFactory's date of birth


def profile_data(**overrides) -> dict:
    data = {
        "user-first_name": "Ada",
        "user-last_name": "Byron",
        "user-time_zone": "UTC",
        "profile-date_of_birth": BIRTH.isoformat(),
        "profile-sex": "female",
        "profile-menopausal_status": "post",
    }
    return data | {f"profile-{key}": value for key, value in overrides.items()}


def save_profile(client, patient, **overrides):
    return client.post(reverse("patients:profile", kwargs={"patient_id": patient.pk}), profile_data(**overrides))


@pytest.mark.parametrize("status", ["pre", "peri", "post"])
def test_a_man_cannot_have_a_menopausal_status(patient_client, patient, status):
    response = save_profile(patient_client, patient, sex="male", menopausal_status=status)
    assert response.status_code == 200
    assert response.context["profile_form"].errors["menopausal_status"] == [MENOPAUSE_MESSAGE]
    patient.refresh_from_db()
    assert (patient.sex, patient.menopausal_status) == ("female", "post")


@pytest.mark.parametrize("status", ["n/a", "unknown"])
def test_a_man_is_saved_with_not_applicable_or_unknown(patient_client, patient, status):
    assert save_profile(patient_client, patient, sex="male", menopausal_status=status).status_code == 302
    patient.refresh_from_db()
    assert (patient.sex, patient.menopausal_status) == ("male", status)


def test_sign_up_refuses_a_postmenopausal_man(client):
    data = {
        "email": "new.man@example.org",
        "first_name": "Tom",
        "last_name": "Reyes",
        "date_of_birth": "1955-01-02",
        "sex": "male",
        "menopausal_status": "post",
        "time_zone": "UTC",
        "password1": "a-long-sign-up-password",
        "password2": "a-long-sign-up-password",
    }
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["menopausal_status"] == [MENOPAUSE_MESSAGE]
    assert not User.objects.filter(email="new.man@example.org").exists()


def start_course(client, patient, day: str):
    regimen = catalogue_regimen("alendronate-70mg-weekly")
    url = reverse("medications:course-list", kwargs={"patient_id": patient.pk})
    return client.post(url, {"regimen": regimen.pk, "started_on": day})


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1958-05-19"])
def test_medication_cannot_start_before_birth(patient_client, patient, day):
    response = start_course(patient_client, patient, day)
    assert response.context["form"].errors["started_on"] == ["The start can't be before the date of birth."]
    assert not Course.objects.for_patient(patient).exists()


def test_medication_may_start_on_the_day_of_birth(patient_client, patient):
    assert start_course(patient_client, patient, BIRTH.isoformat()).status_code == 302


def test_birth_cannot_move_to_after_a_medication_course(patient_client, patient):
    CourseFactory(patient=patient, started_on=dt.date(1990, 6, 1))
    response = save_profile(patient_client, patient, date_of_birth="1991-01-01")
    assert response.context["profile_form"].errors["date_of_birth"] == [
        "The record has a medication course on 1 Jun 1990: the date of birth can't be after that."
    ]


def test_birth_cannot_move_to_after_the_earliest_record(patient_client, patient):
    FractureFactory(patient=patient, occurred_on=dt.date(1990, 6, 1))
    make_scan(patient, dt.date(1985, 3, 1), {"lumbar_spine": ("0.900", "-1.0")})
    ExerciseSession.objects.create(patient=patient, date=dt.date(1988, 1, 1))
    response = save_profile(patient_client, patient, date_of_birth="1986-01-01")
    assert response.context["profile_form"].errors["date_of_birth"] == [
        "The record has a bone density scan on 1 Mar 1985: the date of birth can't be after that."
    ]
    assert save_profile(patient_client, patient, date_of_birth="1985-03-01").status_code == 302
    assert save_profile(patient_client, patient, date_of_birth="1950-01-01").status_code == 302


def test_the_database_refuses_what_the_forms_refuse(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientProfile.objects.filter(pk=patient.pk).update(sex="male", menopausal_status="post")
    course = CourseFactory(patient=patient, started_on=dt.date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(ended_on=dt.date(2019, 12, 31), stop_reason="other")


@pytest.mark.django_db(transaction=True)
def test_the_migration_corrects_rows_saved_before_these_rules():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldUser, OldProfile = old.get_model("accounts", "User"), old.get_model("accounts", "PatientProfile")

    def profile(email, **fields):
        user = OldUser.objects.create(email=email)
        return OldProfile.objects.create(user=user, date_of_birth=BIRTH, **fields).pk

    man = profile("m@example.org", sex="male", menopausal_status="post")
    woman = profile("w@example.org", sex="female", menopausal_status="post", medication_changed_on=dt.date(1950, 1, 1))
    fine = profile("f@example.org", sex="female", menopausal_status="peri", medication_changed_on=dt.date(2020, 1, 1))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert PatientProfile.objects.get(pk=man).menopausal_status == "n/a"
    # The change before birth was dropped, so it became no course; the other became a course on its date.
    assert not Course.objects.filter(patient_id=woman).exists()
    assert PatientProfile.objects.get(pk=woman).menopausal_status == "post"
    assert list(Course.objects.filter(patient_id=fine).values_list("started_on", "ended_on")) == [
        (dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    ]
