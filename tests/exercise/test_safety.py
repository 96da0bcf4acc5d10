import datetime as dt
from decimal import Decimal

import pytest

from dexa.services import refresh_next_scan_due
from exercise.models import Exercise
from exercise.safety import BoneStatus, bone_status_for, exercise_safety_reasons, flags_for, latest_lowest_t_score
from tests.dexa.factories import make_scan
from tests.factories import FractureFactory, PatientFactory

HIGH_IMPACT = "High-impact exercise"
FLEXION = "Loaded forward bending or twisting"
CAP = "Impact above brisk walking"

# (lowest T, vertebral fracture, ≥2 fragility fractures, impact, flexion/twist) -> reason prefixes
CASES = [
    # T-score threshold: −2.5 is osteoporosis, −2.4 is not.
    ("-2.5", False, False, "high", False, [HIGH_IMPACT]),
    ("-2.4", False, False, "high", False, []),
    ("-2.5", False, False, "none", True, [FLEXION]),
    ("-2.4", False, False, "none", True, []),
    ("-3.1", False, False, "high", True, [HIGH_IMPACT, FLEXION]),
    ("-2.5", False, False, "moderate", False, []),  # moderate impact is only capped after a vertebral fracture
    ("-2.5", False, False, "low", False, []),
    (None, False, False, "high", True, []),  # no scan, no fractures: nothing flagged
    ("-1.0", False, False, "high", True, []),
    # Vertebral fracture: impact capped at brisk-walk level ("low"), whatever the T-score.
    (None, True, False, "none", False, []),
    (None, True, False, "low", False, []),
    (None, True, False, "moderate", False, [CAP]),
    (None, True, False, "high", False, [HIGH_IMPACT]),
    ("-1.2", True, False, "none", True, [FLEXION]),
    # Two or more fragility fractures.
    (None, False, True, "high", False, [HIGH_IMPACT]),
    (None, False, True, "none", True, [FLEXION]),
    (None, False, True, "moderate", False, []),
    (None, False, True, "low", False, []),
]


@pytest.mark.parametrize(("t", "vertebral", "multiple", "impact", "flexion", "expected"), CASES)
def test_exercise_safety_reasons(t, vertebral, multiple, impact, flexion, expected):
    reasons = exercise_safety_reasons(
        lowest_t=None if t is None else Decimal(t),
        vertebral_fracture=vertebral,
        multiple_fragility_fractures=multiple,
        impact=impact,
        flexion_or_twist=flexion,
    )
    assert [next(p for p in (HIGH_IMPACT, FLEXION, CAP) if r.startswith(p)) for r in reasons] == expected


def test_reasons_say_why():
    [reason] = exercise_safety_reasons(
        lowest_t=Decimal("-2.7"),
        vertebral_fracture=True,
        multiple_fragility_fractures=False,
        impact="none",
        flexion_or_twist=True,
    )
    assert "T-score is −2.7 (osteoporosis range)" in reason
    assert "vertebral fragility fracture" in reason


def test_library_flags_at_osteoporosis_threshold(db):
    status = BoneStatus(lowest_t=Decimal("-2.5"))
    flagged = {e.slug for e in Exercise.objects.all() if status.reasons_for(e)}
    assert {"sit-ups", "crunches", "toe-touches", "golf-swing", "loaded-forward-bends"} <= flagged
    assert {"running", "jumping", "skipping-rope", "jump-landings"} <= flagged
    assert not flagged & {"brisk-walking", "jogging", "stair-climbing", "squat", "tai-chi", "back-extensions"}


def test_library_after_vertebral_fracture_caps_impact_at_brisk_walking(db):
    status = BoneStatus(vertebral_fracture=True, fragility_fractures=1)
    flagged = {e.slug for e in Exercise.objects.all() if status.reasons_for(e)}
    assert {"jogging", "stair-climbing", "dancing", "running", "jumping"} <= flagged
    assert not flagged & {"brisk-walking", "elliptical", "hiking", "heel-to-toe-walk", "squat"}


def test_bone_status_for_reads_fragility_fractures_only(db, lowest_t):
    lowest_t(None)
    patient = PatientFactory()
    FractureFactory(patient=patient, site="vertebral", fragility=False)
    FractureFactory(patient=patient, site="wrist", fragility=True)
    status = bone_status_for(patient)
    assert status == BoneStatus(lowest_t=None, vertebral_fracture=False, fragility_fractures=1)
    assert not status.is_fragile
    FractureFactory(patient=patient, site="vertebral", fragility=True)
    status = bone_status_for(patient)
    assert status.vertebral_fracture and status.multiple_fragility_fractures


def test_latest_lowest_t_score_reads_the_latest_scan(db):
    patient = PatientFactory()
    assert latest_lowest_t_score(patient) is None
    make_scan(patient, dt.date(2016, 1, 10), {"lumbar_spine": ("0.700", "-3.1")})
    make_scan(patient, dt.date(2020, 1, 10), {"lumbar_spine": ("0.800", "-2.2"), "radius_33": ("0.600", "-2.6")})
    refresh_next_scan_due(patient)
    assert latest_lowest_t_score(patient) == Decimal("-2.6")


def test_flags_for_names_only_the_flagged_exercises_with_their_reasons(db, lowest_t):
    lowest_t("-2.6")
    patient = PatientFactory()
    sit_ups, walking = Exercise.objects.get(slug="sit-ups"), Exercise.objects.get(slug="brisk-walking")
    flags = flags_for(patient, [sit_ups, walking])
    assert list(flags) == [sit_ups.pk]
    assert flags[sit_ups.pk] == BoneStatus(lowest_t=Decimal("-2.6")).reasons_for(sit_ups)
    lowest_t("-2.4")
    assert flags_for(patient, [sit_ups, walking]) == {}


def test_flags_for_no_exercises_reads_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert flags_for(PatientFactory.build(), iter([])) == {}
