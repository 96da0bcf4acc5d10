"""The data migrations: the catalogue on a fresh database, and the profile's medication checkbox turned into courses
(and back)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bonetrack.accounts.models import PatientProfile
from bonetrack.treatment.catalogue import CATALOGUE
from bonetrack.treatment.models import Course, Drug

BEFORE = [("treatment", "0002_load_catalogue"), ("accounts", "0002_menopause_women_only_medication_after_birth")]
NOTE = "From the profile's medication checkbox, before courses were recorded."


@pytest.mark.django_db
def test_a_fresh_database_has_the_catalogue():
    # pytest-django runs the transactional tests (which flush every table) after this one.
    assert Drug.objects.filter(slug__in=[drug.slug for drug in CATALOGUE]).count() == len(CATALOGUE)


@pytest.mark.django_db(transaction=True)
def test_the_checkbox_becomes_courses_and_comes_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldUser, OldProfile = old.get_model("accounts", "User"), old.get_model("accounts", "PatientProfile")

    def profile(email, **fields):
        user = OldUser.objects.create(email=email)
        return OldProfile.objects.create(user=user, date_of_birth=dt.date(1950, 1, 1), sex="female", **fields)

    on_since = profile("on@example.org", on_osteoporosis_medication=True, medication_changed_on=dt.date(2021, 3, 4))
    on_undated = profile("undated@example.org", on_osteoporosis_medication=True)
    stopped = profile("stopped@example.org", on_osteoporosis_medication=False, medication_changed_on=dt.date(2022, 5, 6))
    never = profile("never@example.org")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    def courses(row):
        return list(
            Course.objects.filter(patient_id=row.pk).values_list(
                "regimen__slug", "started_on", "ended_on", "stop_reason", "notes"
            )
        )

    assert courses(on_since) == [("unspecified", dt.date(2021, 3, 4), None, "", NOTE)]
    assert courses(on_undated) == [("unspecified", on_undated.created_at.date(), None, "", NOTE)]
    assert courses(stopped) == [("unspecified", dt.date(2022, 5, 6), dt.date(2022, 5, 6), "other", NOTE)]
    assert courses(never) == []
    # R5 reads the same as before: on treatment, and the date of the last change.
    assert Course.objects.for_patient(on_since.pk).medication_state() == (True, dt.date(2021, 3, 4))
    assert Course.objects.for_patient(stopped.pk).medication_state() == (False, dt.date(2022, 5, 6))
    assert not hasattr(PatientProfile.objects.get(pk=on_since.pk), "on_osteoporosis_medication")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    rows = {
        row["user__email"]: (row["on_osteoporosis_medication"], row["medication_changed_on"])
        for row in old.get_model("accounts", "PatientProfile").objects.values(
            "user__email", "on_osteoporosis_medication", "medication_changed_on"
        )
    }
    assert rows == {
        "on@example.org": (True, dt.date(2021, 3, 4)),
        "undated@example.org": (True, on_undated.created_at.date()),
        "stopped@example.org": (False, dt.date(2022, 5, 6)),
        "never@example.org": (False, None),
    }
    assert not old.get_model("treatment", "Course").objects.exists()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
