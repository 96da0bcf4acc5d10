"""R1b: osteoporosis diagnosed by a fragility fracture — the rule, the stored diagnosis of record, R5 and the pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from dexa import rules
from dexa.models import DexaScan
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import CourseFactory, FractureFactory, PatientFactory

D2019, D2020 = dt.date(2019, 6, 1), dt.date(2020, 2, 1)


@pytest.mark.parametrize("category", [rules.NORMAL, rules.OSTEOPENIA, rules.OSTEOPOROSIS, rules.SEVERE])
@pytest.mark.parametrize(("site", "name"), [("vertebral", "vertebral"), ("hip", "hip")])
def test_a_hip_or_vertebral_fracture_counts_whatever_the_t_score(category, site, name):
    assert rules.fracture_diagnosis(category, [(site, D2019)]) == f"based on a {name} fragility fracture, 2019"


@pytest.mark.parametrize(
    ("site", "reason"),
    [
        ("humerus", "based on a proximal humerus fragility fracture with osteopenia, 2019"),
        ("pelvis", "based on a pelvic fragility fracture with osteopenia, 2019"),
        ("wrist", "based on a wrist (distal forearm) fragility fracture with osteopenia, 2019"),
    ],
)
def test_an_upper_arm_pelvis_or_wrist_fracture_counts_only_with_osteopenia(site, reason):
    assert rules.fracture_diagnosis(rules.OSTEOPENIA, [(site, D2019)]) == reason
    assert rules.fracture_diagnosis(rules.NORMAL, [(site, D2019)]) == ""
    # In the osteoporosis range the T-score already decides it.
    assert rules.fracture_diagnosis(rules.OSTEOPOROSIS, [(site, D2019)]) == ""


@pytest.mark.parametrize("site", ["rib", "ankle", "other"])
@pytest.mark.parametrize("category", [rules.NORMAL, rules.OSTEOPENIA])
def test_rib_ankle_and_other_fractures_never_count(site, category):
    assert rules.fracture_diagnosis(category, [(site, D2019)]) == ""


@pytest.mark.parametrize("category", [rules.Z_BELOW, rules.Z_WITHIN, ""])
def test_only_the_t_score_population_is_diagnosed_by_fracture(category):
    assert rules.fracture_diagnosis(category, [("vertebral", D2019)]) == ""


def test_the_earliest_fracture_that_counts_is_named():
    fractures = [("hip", D2020), ("wrist", D2019), ("rib", dt.date(2010, 1, 1))]
    assert rules.fracture_diagnosis(rules.OSTEOPENIA, fractures) == (
        "based on a wrist (distal forearm) fragility fracture with osteopenia, 2019"
    )
    assert rules.fracture_diagnosis(rules.NORMAL, fractures) == "based on a hip fragility fracture, 2020"


def test_the_label_says_a_fracture_decided_it():
    assert rules.diagnosis_label(rules.OSTEOPOROSIS, "based on a hip fragility fracture, 2020") == (
        "Osteoporosis (based on a fragility fracture)"
    )
    assert rules.diagnosis_label(rules.OSTEOPOROSIS) == "Osteoporosis"
    assert rules.diagnosis_label(rules.OSTEOPENIA) == "Osteopenia (low bone mass)"


# The stored diagnosis of record, through refresh_next_scan_due.


def summaries(patient) -> list[tuple]:
    refresh_next_scan_due(patient)
    return list(
        DexaScan.objects.filter(patient=patient).order_by("scanned_on").values_list("category", "diagnosis", "diagnosis_reason")
    )


NORMAL_T = {"lumbar_spine": ("1.000", "-0.5")}
OSTEOPENIA_T = {"lumbar_spine": ("0.900", "-1.5")}
OSTEOPOROSIS_T = {"lumbar_spine": ("0.760", "-2.8")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("site", "fragility", "t", "expected"),
    [
        ("vertebral", True, NORMAL_T, ("normal", "osteoporosis", "based on a vertebral fragility fracture, 2019")),
        ("hip", True, NORMAL_T, ("normal", "osteoporosis", "based on a hip fragility fracture, 2019")),
        ("humerus", True, NORMAL_T, ("normal", "normal", "")),
        ("pelvis", True, NORMAL_T, ("normal", "normal", "")),
        ("wrist", True, NORMAL_T, ("normal", "normal", "")),
        (
            "humerus",
            True,
            OSTEOPENIA_T,
            ("osteopenia", "osteoporosis", "based on a proximal humerus fragility fracture with osteopenia, 2019"),
        ),
        (
            "pelvis",
            True,
            OSTEOPENIA_T,
            ("osteopenia", "osteoporosis", "based on a pelvic fragility fracture with osteopenia, 2019"),
        ),
        (
            "wrist",
            True,
            OSTEOPENIA_T,
            ("osteopenia", "osteoporosis", "based on a wrist (distal forearm) fragility fracture with osteopenia, 2019"),
        ),
        ("rib", True, OSTEOPENIA_T, ("osteopenia", "osteopenia", "")),
        ("ankle", True, OSTEOPENIA_T, ("osteopenia", "osteopenia", "")),
        ("other", True, OSTEOPENIA_T, ("osteopenia", "osteopenia", "")),
        ("vertebral", False, NORMAL_T, ("normal", "normal", "")),
        ("hip", False, OSTEOPENIA_T, ("osteopenia", "osteopenia", "")),
        # R1's severe osteoporosis stays: the T-score decides it, so no R1b reason.
        ("vertebral", True, OSTEOPOROSIS_T, ("severe", "severe", "")),
    ],
)
def test_each_fracture_site_on_the_stored_diagnosis(site, fragility, t, expected):
    patient = PatientFactory()
    FractureFactory(patient=patient, site=site, occurred_on=D2019, fragility=fragility)
    make_scan(patient, dt.date(2021, 4, 1), t)
    assert summaries(patient) == [expected]


@pytest.mark.django_db
def test_a_premenopausal_woman_is_not_diagnosed_by_fracture():
    patient = PatientFactory(date_of_birth=dt.date(1985, 3, 1), menopausal_status="pre")
    FractureFactory(patient=patient, site="vertebral", occurred_on=D2019)
    make_scan(patient, dt.date(2021, 4, 1), OSTEOPENIA_T)
    assert summaries(patient) == [("z_within", "z_within", "")]


@pytest.mark.django_db
def test_the_diagnosis_stays_after_a_better_scan():
    patient = PatientFactory()
    FractureFactory(patient=patient, site="wrist", occurred_on=dt.date(2018, 9, 1))
    make_scan(patient, dt.date(2019, 4, 1), OSTEOPENIA_T)
    make_scan(patient, dt.date(2023, 4, 1), NORMAL_T)
    reason = "based on a wrist (distal forearm) fragility fracture with osteopenia, 2018"
    assert summaries(patient) == [("osteopenia", "osteoporosis", reason), ("normal", "osteoporosis", reason)]


@pytest.mark.django_db
def test_a_fracture_counts_from_its_date_and_always_for_the_latest_scan():
    patient = PatientFactory()
    make_scan(patient, dt.date(2017, 4, 1), NORMAL_T)
    make_scan(patient, dt.date(2019, 4, 1), NORMAL_T)
    FractureFactory(patient=patient, site="vertebral", occurred_on=dt.date(2018, 5, 1))
    FractureFactory(patient=patient, site="hip", occurred_on=dt.date(2024, 1, 1))  # after the latest scan
    reason = "based on a vertebral fragility fracture, 2018"
    assert summaries(patient) == [("normal", "normal", ""), ("normal", "osteoporosis", reason)]


@pytest.mark.django_db
def test_a_fracture_after_the_latest_scan_makes_the_diagnosis_now():
    patient = PatientFactory()
    make_scan(patient, dt.date(2017, 4, 1), OSTEOPENIA_T)
    make_scan(patient, dt.date(2019, 4, 1), OSTEOPENIA_T)
    FractureFactory(patient=patient, site="humerus", occurred_on=dt.date(2024, 1, 1))
    reason = "based on a proximal humerus fragility fracture with osteopenia, 2024"
    assert summaries(patient) == [("osteopenia", "osteopenia", ""), ("osteopenia", "osteoporosis", reason)]


@pytest.mark.django_db
def test_a_later_scan_in_the_osteoporosis_range_takes_over_the_reason():
    patient = PatientFactory()
    FractureFactory(patient=patient, site="hip", occurred_on=D2019)
    make_scan(patient, dt.date(2020, 4, 1), NORMAL_T)
    make_scan(patient, dt.date(2022, 4, 1), OSTEOPOROSIS_T)
    assert summaries(patient) == [
        ("normal", "osteoporosis", "based on a hip fragility fracture, 2019"),
        ("severe", "severe", ""),
    ]


@pytest.mark.django_db
def test_r5_follows_the_diagnosis_by_fracture():
    patient = PatientFactory()
    make_scan(patient, dt.date(2020, 4, 1), NORMAL_T)
    make_scan(patient, dt.date(2022, 4, 1), NORMAL_T)
    FractureFactory(patient=patient, site="rib", occurred_on=D2019)
    refresh_next_scan_due(patient)
    # A rib fragility fracture is a risk factor (2 years) but no diagnosis.
    assert (patient.next_scan_due_on, patient.next_scan_due_rule) == (
        dt.date(2024, 4, 1),
        "2 years: a clinical risk factor is recorded (default rule).",
    )
    FractureFactory(patient=patient, site="vertebral", occurred_on=D2019)
    refresh_next_scan_due(patient)
    assert (patient.next_scan_due_on, patient.next_scan_due_rule) == (
        dt.date(2024, 4, 1),
        "2 years: osteoporosis or on treatment (default rule).",
    )
    # As osteoporosis, a drug started since the previous scan brings it to 1 year.
    CourseFactory(patient=patient, regimen_slug="alendronate-70mg-weekly", started_on=dt.date(2021, 1, 4))
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2023, 4, 1)
    assert patient.next_scan_due_rule.startswith("1 year: osteoporosis or treatment")


@pytest.mark.django_db
def test_normal_t_without_a_fracture_schedules_no_scan_but_a_vertebral_fracture_does():
    patient = PatientFactory()
    make_scan(patient, dt.date(2022, 4, 1), NORMAL_T)
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on is None
    FractureFactory(patient=patient, site="vertebral", occurred_on=D2019)
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2024, 4, 1)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def diagnosed(patient):
    FractureFactory(patient=patient, site="hip", occurred_on=dt.date(2021, 3, 5))
    scan = make_scan(patient, dt.date(2022, 4, 1), NORMAL_T)
    refresh_next_scan_due(patient)
    return scan


@pytest.mark.django_db
def test_the_pages_show_why_and_the_scans_own_category(patient_client, patient, diagnosed):
    body = text(patient_client.get(reverse("dexa:scan-list", kwargs={"patient_id": patient.pk})))
    assert '<p class="stat dexa-stat">Osteoporosis (based on a fragility fracture)</p>' in body
    assert "Based on a hip fragility fracture, 2021." in body
    assert "Latest scan (1 Apr 2022): <strong>Normal</strong>" in body
    assert "Once a scan reaches the osteoporosis range" not in body

    url = reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": diagnosed.pk})
    body = text(patient_client.get(url))
    assert "<dt>Category</dt><dd>Normal" in body
    assert (
        "<dt>Diagnosis of record</dt><dd>Osteoporosis (based on a fragility fracture)"
        '<br><span class="small muted">Based on a hip fragility fracture, 2021</span></dd>'
    ) in body


@pytest.mark.django_db
def test_the_worklist_shows_the_diagnosis_by_fracture(clinician_client, diagnosed):
    body = text(clinician_client.get(reverse("clinic:worklist")))
    assert "<strong>Osteoporosis (based on a fragility fracture)</strong>" in body
    assert "Based on a hip fragility fracture, 2021" in body and "latest: Normal" in body
