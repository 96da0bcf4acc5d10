import datetime as dt
from decimal import Decimal

import pytest

from nutrition.targets import LIMIT, apply_overrides, days_meeting_targets, default_targets
from tests.factories import PatientFactory


@pytest.mark.parametrize(
    ("age", "sex", "calcium", "upper"),
    [
        (18, "female", 1300, 3000),
        (19, "female", 1000, 2500),
        (50, "female", 1000, 2500),
        (51, "female", 1200, 2000),
        (50, "male", 1000, 2500),
        (51, "male", 1000, 2000),
        (70, "male", 1000, 2000),
        (71, "male", 1200, 2000),
        (85, "female", 1200, 2000),
    ],
)
def test_calcium_by_age_and_sex(age, sex, calcium, upper):
    target = default_targets(age, sex)["calcium_mg"]
    assert (target.value, target.upper_limit) == (calcium, upper)


@pytest.mark.parametrize(("age", "iu"), [(49, 600), (50, 800), (80, 800)])
def test_vitamin_d(age, iu):
    target = default_targets(age, "female")["vitamin_d_iu"]
    assert (target.value, target.upper_limit) == (iu, 4000)


@pytest.mark.parametrize(("age", "sex", "mg"), [(30, "male", 400), (31, "male", 420), (30, "female", 310), (31, "female", 320)])
def test_magnesium(age, sex, mg):
    target = default_targets(age, sex)["magnesium_mg"]
    assert target.value == mg
    assert target.upper_limit == 350


def test_vitamin_k_sodium_caffeine():
    men, women = default_targets(60, "male"), default_targets(60, "female")
    assert (men["vitamin_k_mcg"].value, women["vitamin_k_mcg"].value) == (120, 90)
    assert (women["sodium_mg"].value, women["sodium_mg"].kind) == (2300, LIMIT)
    assert (women["caffeine_mg"].value, women["caffeine_mg"].kind) == (300, LIMIT)


def test_protein_from_65_with_weight():
    assert default_targets(64, "female", Decimal("62"))["protein_g"].value is None
    target = default_targets(65, "female", Decimal("62"))["protein_g"]
    assert (target.value, target.range_high) == (62, 74)
    assert default_targets(70, "female", None)["protein_g"].value is None


def test_override_wins_and_says_so():
    targets = apply_overrides(default_targets(60, "female"), {"calcium_mg": (Decimal(1500), "Dr Chen")})
    assert targets["calcium_mg"].value == 1500
    assert targets["calcium_mg"].source == "set by your clinician"
    assert targets["calcium_mg"].upper_limit == 2000
    assert default_targets(60, "female")["calcium_mg"].source == "default rule"


def test_age_on_the_day(patient):
    import datetime as dt

    from nutrition.targets import targets_for

    patient.date_of_birth, patient.sex = dt.date(1975, 6, 15), "female"
    assert targets_for(patient, dt.date(2026, 6, 14))["calcium_mg"].value == 1000  # 50
    assert targets_for(patient, dt.date(2026, 6, 15))["calcium_mg"].value == 1200  # 51 that day


@pytest.mark.django_db
def test_days_meeting_targets_follow_the_age_on_each_day_and_the_overrides():
    # A woman turning 51 on 2 March 2024: 1000 mg calcium before, 1200 mg from that day (R7); vitamin D 800 IU (≥ 50).
    patient = PatientFactory(date_of_birth=dt.date(1973, 3, 2), sex="female")
    days = [
        (dt.date(2024, 3, 1), Decimal("1100"), Decimal("800")),  # 50: calcium met, vitamin D met
        (dt.date(2024, 3, 2), Decimal("1100"), Decimal("799")),  # 51: neither
        (dt.date(2024, 3, 3), None, None),  # nothing counted: neither
    ]
    met = days_meeting_targets(patient, days, {})
    assert (met.calcium_met, met.vitamin_d_met) == (1, 1)
    assert [calcium for _, calcium, _ in met.targets] == [Decimal("1000"), Decimal("1200"), Decimal("1200")]
    lowered = days_meeting_targets(patient, days, {"calcium_mg": (Decimal("1000"), "clinician")})
    assert lowered.calcium_met == 2
