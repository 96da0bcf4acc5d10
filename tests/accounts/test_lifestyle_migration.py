"""Migration 0004: the profile's yes/no risk factors become R15's answers, and come back on the way down."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bonetrack.accounts.models import PatientProfile

BEFORE = [("accounts", "0003_remove_profile_medication")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_old_checkboxes_become_r15_answers_and_come_back():
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldUser, OldProfile = old.get_model("accounts", "User"), old.get_model("accounts", "PatientProfile")

    def profile(email, **fields):
        user = OldUser.objects.create(email=email)
        return OldProfile.objects.create(user=user, date_of_birth=dt.date(1950, 1, 1), sex="female", **fields).pk

    every = profile("every@example.org", current_smoker=True, alcohol_3_units=True, glucocorticoids=True)
    none = profile("none@example.org", parental_hip_fracture=True, rheumatoid_arthritis=True)

    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    rows = PatientProfile.objects.order_by("pk").values_list(
        "smoking", "alcohol_units_per_week", "glucocorticoids", "parental_hip_fracture", "rheumatoid_arthritis"
    )
    assert list(rows.filter(pk=every)) == [("current", 21, "past", False, False)]
    # Unticked boxes say nothing: "not recorded", not "never".
    assert list(rows.filter(pk=none)) == [("", None, "", True, True)]
    assert PatientProfile.objects.get(pk=every).clinical_risk_factors() == [
        "smokes now",
        "21 units of alcohol a week (3 or more a day)",
        "steroid tablets (glucocorticoids) in the past",
    ]

    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    back = old.get_model("accounts", "PatientProfile").objects.order_by("pk")
    assert list(back.values_list("current_smoker", "alcohol_3_units", "glucocorticoids")) == [
        (True, True, True),
        (False, False, False),
    ]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
