"""R14 as pure rules: every reason, at its boundary, with hand-worked dates and numbers."""

import datetime as dt
from decimal import Decimal as D

import pytest

from bonetrack.risk import rules
from bonetrack.risk.rules import CourseFact, FallFact, FractureFact, FraxFact, ScanFact, assess_risk

TODAY = dt.date(2026, 3, 15)
OSTEOPENIA = ScanFact(scanned_on=dt.date(2025, 6, 1), category="osteopenia", lowest_t=D("-2.0"))


def codes(assessment) -> list[str]:
    return [reason.code for reason in assessment.very_high_risk_reasons]


def frax(major: str, hip: str) -> FraxFact:
    return FraxFact(assessed_on=dt.date(2026, 1, 10), major=D(major), hip=D(hip))


def test_nothing_recorded_raises_no_flag():
    assessment = assess_risk(today=TODAY, scan=None, frax=None)
    assert not assessment.very_high_risk and not assessment.meets_treatment_threshold and not assessment.flagged
    assert assessment.reasons == ()


@pytest.mark.parametrize(
    ("major", "hip", "meets"),
    [("19.9", "2.9", False), ("20.0", "0.5", True), ("5.0", "3.0", True), ("19.9", "3.0", True), ("25.0", "3.5", True)],
)
def test_treatment_threshold_at_hip_3_and_major_20(major, hip, meets):
    assessment = assess_risk(today=TODAY, scan=OSTEOPENIA, frax=frax(major, hip))
    assert assessment.meets_treatment_threshold is meets


def test_treatment_threshold_names_the_number_that_triggered_it():
    reason = assess_risk(today=TODAY, scan=OSTEOPENIA, frax=frax("12.0", "3.0")).threshold_reasons[0]
    assert reason.precise == "Osteopenia (scan 2025-06-01) with FRAX hip 3.0 % ≥ 3 % (2026-01-10)"
    assert "a 3.0 % chance of a broken hip in 10 years (3 % or more)" in reason.plain
    assert "major" not in reason.precise
    both = assess_risk(today=TODAY, scan=OSTEOPENIA, frax=frax("20.0", "3.0")).threshold_reasons[0]
    assert "hip 3.0 % ≥ 3 %, major 20.0 % ≥ 20 %" in both.precise


@pytest.mark.parametrize("category", ["normal", "osteoporosis", "severe", "z_below", "z_within"])
def test_treatment_threshold_only_for_osteopenia(category):
    scan = ScanFact(scanned_on=dt.date(2025, 6, 1), category=category, lowest_t=D("-2.0"))
    assert not assess_risk(today=TODAY, scan=scan, frax=frax("25.0", "4.0")).meets_treatment_threshold


def test_treatment_threshold_needs_a_frax_result():
    assert not assess_risk(today=TODAY, scan=OSTEOPENIA, frax=None).meets_treatment_threshold


@pytest.mark.parametrize(
    ("major", "hip", "very_high"),
    [("30.0", "4.5", False), ("30.1", "1.0", True), ("10.0", "4.6", True), ("29.9", "4.4", False)],
)
def test_very_high_frax_is_strictly_over_30_or_4_5(major, hip, very_high):
    assessment = assess_risk(today=TODAY, scan=None, frax=frax(major, hip))
    assert (codes(assessment) == [rules.VERY_HIGH_FRAX]) is very_high


def test_very_high_frax_reason_wording():
    reason = assess_risk(today=TODAY, scan=None, frax=frax("31.0", "2.0")).very_high_risk_reasons[0]
    assert reason.precise == "FRAX major 31.0 % > 30 % (2026-01-10)"
    assert (
        reason.plain == "Your fracture risk result (FRAX) gives a 31.0 % chance of a major broken bone in 10 years (over 30 %)."
    )


@pytest.mark.parametrize(("t", "very_high"), [("-3.0", False), ("-3.1", True), ("-2.9", False), ("-4.5", True)])
def test_lowest_t_strictly_below_minus_3(t, very_high):
    scan = ScanFact(scanned_on=dt.date(2025, 6, 1), category="osteoporosis", lowest_t=D(t))
    assert (rules.VERY_LOW_T in codes(assess_risk(today=TODAY, scan=scan, frax=None))) is very_high


def test_lowest_t_reason_wording_and_z_score_population_excluded():
    scan = ScanFact(scanned_on=dt.date(2025, 6, 1), category="osteoporosis", lowest_t=D("-3.1"))
    reason = assess_risk(today=TODAY, scan=scan, frax=None).very_high_risk_reasons[0]
    assert reason.precise == "Lowest T-score −3.1 < −3.0 (scan 2025-06-01)"
    assert reason.plain == "Your lowest T-score on your latest scan is −3.1, below −3.0."
    young = ScanFact(scanned_on=dt.date(2025, 6, 1), category="z_below", lowest_t=D("-3.5"))
    assert codes(assess_risk(today=TODAY, scan=young, frax=None)) == []


@pytest.mark.parametrize(
    ("occurred_on", "recent"),
    [
        (dt.date(2025, 3, 16), True),  # 12 months minus a day ago
        (dt.date(2025, 3, 15), False),  # exactly 12 months ago
        (TODAY, True),
    ],
)
def test_fracture_in_the_past_12_months(occurred_on, recent):
    fracture = FractureFact(site="wrist", occurred_on=occurred_on)
    assert (codes(assess_risk(today=TODAY, scan=None, frax=None, fractures=[fracture])) == [rules.RECENT_FRACTURE]) is recent


def test_the_12_months_follow_the_calendar_at_a_month_end():
    # 12 months before 29 Feb 2028 is 28 Feb 2027 (add_months clamps): that day does not count, 1 Mar 2027 does.
    leap = dt.date(2028, 2, 29)
    assert not assess_risk(today=leap, scan=None, frax=None, fractures=[FractureFact("hip", dt.date(2027, 2, 28))]).flagged
    assert assess_risk(today=leap, scan=None, frax=None, fractures=[FractureFact("hip", dt.date(2027, 3, 1))]).flagged


def test_recent_fracture_wording():
    fracture = FractureFact(site="wrist", occurred_on=dt.date(2026, 3, 2))
    reason = assess_risk(today=TODAY, scan=None, frax=None, fractures=[fracture]).very_high_risk_reasons[0]
    assert reason.plain == "You broke a bone in the past year (wrist, March 2026)."
    assert reason.precise == "Fragility fracture within 12 months: wrist (distal forearm) 2026-03-02"


def test_a_fracture_that_is_not_a_fragility_fracture_counts_for_nothing():
    fractures = [
        FractureFact(site="wrist", occurred_on=dt.date(2026, 3, 2), on_glucocorticoids=True, fragility=False),
        FractureFact(site="ankle", occurred_on=dt.date(2010, 3, 2), fragility=False),
    ]
    assert not assess_risk(today=TODAY, scan=None, frax=None, fractures=fractures).flagged


@pytest.mark.parametrize(
    ("started_on", "ended_on", "on_treatment"),
    [
        (dt.date(2020, 5, 1), None, True),  # the fracture's day is the course's first day
        (dt.date(2020, 5, 2), None, False),
        (dt.date(2018, 1, 1), dt.date(2020, 5, 1), True),  # ... or its last
        (dt.date(2018, 1, 1), dt.date(2020, 4, 30), False),
    ],
)
def test_fracture_while_on_osteoporosis_treatment(started_on, ended_on, on_treatment):
    fracture = FractureFact(site="vertebral", occurred_on=dt.date(2020, 5, 1))
    course = CourseFact(drug="Alendronate", started_on=started_on, ended_on=ended_on)
    assessment = assess_risk(today=TODAY, scan=None, frax=None, fractures=[fracture], courses=[course])
    assert (codes(assessment) == [rules.FRACTURE_ON_TREATMENT]) is on_treatment
    if on_treatment:
        reason = assessment.very_high_risk_reasons[0]
        assert reason.precise == "Fragility fracture on osteoporosis treatment: vertebral 2020-05-01 (Alendronate)"
        assert reason.plain == "You broke a bone while taking osteoporosis medication (spine, May 2020, on Alendronate)."


@pytest.mark.parametrize(("count", "multiple"), [(1, False), (2, True), (3, True)])
def test_multiple_fragility_fractures(count, multiple):
    fractures = [FractureFact(site="rib", occurred_on=dt.date(2015 + n, 1, 1)) for n in range(count)]
    assessment = assess_risk(today=TODAY, scan=None, frax=None, fractures=fractures)
    assert (codes(assessment) == [rules.MULTIPLE_FRACTURES]) is multiple
    if multiple:
        assert assessment.very_high_risk_reasons[0].plain.startswith(f"You have broken {count} bones (rib, January 2015;")


def test_fracture_on_glucocorticoids():
    fracture = FractureFact(site="humerus", occurred_on=dt.date(2019, 7, 4), on_glucocorticoids=True)
    reason = assess_risk(today=TODAY, scan=None, frax=None, fractures=[fracture]).very_high_risk_reasons[0]
    assert reason.code == rules.FRACTURE_ON_GLUCOCORTICOIDS
    assert reason.precise == "Fragility fracture on glucocorticoids: proximal humerus 2019-07-04"
    assert reason.plain == "You broke a bone while taking steroid tablets (upper arm, July 2019)."


@pytest.mark.parametrize(
    ("falls", "high"),
    [
        ([FallFact(dt.date(2026, 1, 5))], False),  # one fall without injury
        ([FallFact(dt.date(2026, 1, 5)), FallFact(dt.date(2025, 3, 16))], True),  # two, the older 12 months minus a day
        ([FallFact(dt.date(2026, 1, 5)), FallFact(dt.date(2025, 3, 15))], False),  # the older exactly 12 months ago
        ([FallFact(dt.date(2025, 3, 16), injury=True)], True),  # one with injury
        ([FallFact(dt.date(2025, 3, 15), injury=True)], False),  # injured, but 12 months ago
    ],
)
def test_high_risk_of_falls(falls, high):
    assert (codes(assess_risk(today=TODAY, scan=None, frax=None, falls=falls)) == [rules.FALLS]) is high


def test_falls_wording():
    falls = [FallFact(dt.date(2026, 1, 5)), FallFact(dt.date(2025, 11, 20), injury=True)]
    reason = assess_risk(today=TODAY, scan=None, frax=None, falls=falls).very_high_risk_reasons[0]
    assert reason.plain == (
        "A high risk of falls: you fell 2 times in the past year and you were hurt in a fall (November 2025)."
    )
    assert reason.precise == (
        "High risk of falls: 2 falls within 12 months (2025-11-20, 2026-01-05); fall with injury within 12 months (2025-11-20)"
    )


def test_every_reason_is_listed_in_order():
    fractures = [
        FractureFact(site="wrist", occurred_on=dt.date(2026, 2, 1), on_glucocorticoids=True),
        FractureFact(site="hip", occurred_on=dt.date(2023, 2, 1)),
    ]
    scan = ScanFact(scanned_on=dt.date(2025, 6, 1), category="osteoporosis", lowest_t=D("-3.4"))
    assessment = assess_risk(
        today=TODAY,
        scan=scan,
        frax=frax("35.0", "6.0"),
        fractures=fractures,
        falls=[FallFact(dt.date(2026, 1, 1), injury=True)],
        courses=[CourseFact("Denosumab", dt.date(2022, 1, 1))],
    )
    assert codes(assessment) == [
        rules.RECENT_FRACTURE,
        rules.FRACTURE_ON_TREATMENT,
        rules.MULTIPLE_FRACTURES,
        rules.FRACTURE_ON_GLUCOCORTICOIDS,
        rules.VERY_LOW_T,
        rules.VERY_HIGH_FRAX,
        rules.FALLS,
    ]
    assert not assessment.meets_treatment_threshold  # osteoporosis, not osteopenia
