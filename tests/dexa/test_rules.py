"""R1–R5 at every boundary (DOMAIN.md)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from dexa import rules
from dexa.rules import Population, Reading, ScanSituation


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        ("0.5", rules.NORMAL),
        ("-1.0", rules.NORMAL),
        ("-1.1", rules.OSTEOPENIA),
        ("-2.4", rules.OSTEOPENIA),
        ("-2.5", rules.OSTEOPOROSIS),
        ("-2.6", rules.OSTEOPOROSIS),
    ],
)
def test_t_score_category_boundaries(t, expected):
    assert rules.t_score_category(D(t)) == expected


T_POP = Population(True)


@pytest.mark.parametrize(
    ("readings", "fracture", "code", "site"),
    [
        ([Reading("lumbar_spine", D("-0.9")), Reading("femoral_neck", D("-1.0"))], False, rules.NORMAL, "femoral_neck"),
        ([Reading("lumbar_spine", D("-0.9")), Reading("total_hip", D("-1.1"))], False, rules.OSTEOPENIA, "total_hip"),
        ([Reading("lumbar_spine", D("-2.5")), Reading("total_hip", D("-1.1"))], False, rules.OSTEOPOROSIS, "lumbar_spine"),
        ([Reading("lumbar_spine", D("-2.5"))], True, rules.SEVERE, "lumbar_spine"),
        ([Reading("lumbar_spine", D("-2.4"))], True, rules.OSTEOPENIA, "lumbar_spine"),
        # The 33% radius counts when it was measured.
        ([Reading("lumbar_spine", D("-1.2")), Reading("radius_33", D("-2.7"))], False, rules.OSTEOPOROSIS, "radius_33"),
    ],
)
def test_scan_category_uses_the_lowest_diagnostic_site(readings, fracture, code, site):
    result = rules.classify_scan(readings, T_POP, fragility_fracture=fracture)
    assert (result.code, result.lowest.site) == (code, site)


@pytest.mark.parametrize(
    ("sex", "status", "age", "uses_t", "noted"),
    [
        ("female", "post", 45, True, False),
        ("female", "peri", 47, True, False),
        ("female", "pre", 45, False, True),
        ("female", "unknown", 60, True, True),  # unknown: assume T-score population and say so
        ("male", "n/a", 49, False, True),
        ("male", "n/a", 50, True, False),
    ],
)
def test_score_population(sex, status, age, uses_t, noted):
    population = rules.score_population(sex=sex, menopausal_status=status, age=age)
    assert population.uses_t_score is uses_t
    assert bool(population.note) is noted


@pytest.mark.parametrize(
    ("z", "code"), [("-2.0", rules.Z_BELOW), ("-2.1", rules.Z_BELOW), ("-1.9", rules.Z_WITHIN), ("0.4", rules.Z_WITHIN)]
)
def test_z_score_population_statement(z, code):
    population = rules.score_population(sex="female", menopausal_status="pre", age=40)
    result = rules.classify_scan([Reading("lumbar_spine", D("-3.0"), D(z))], population)
    assert result.code == code
    assert "osteoporosis" not in result.label.lower()


def test_z_population_without_z_score_has_no_category():
    population = rules.score_population(sex="male", menopausal_status="n/a", age=40)
    assert rules.classify_scan([Reading("lumbar_spine", D("-3.0"))], population).code == ""


@pytest.mark.parametrize(
    ("history", "diagnosis"),
    [
        ([rules.OSTEOPENIA, rules.NORMAL], rules.NORMAL),
        ([rules.OSTEOPOROSIS, rules.OSTEOPENIA, rules.NORMAL], rules.OSTEOPOROSIS),  # sticky
        ([rules.SEVERE, rules.OSTEOPENIA], rules.SEVERE),
        ([], ""),
    ],
)
def test_diagnosis_of_record_is_sticky(history, diagnosis):
    assert rules.diagnosis_of_record(history) == diagnosis


@pytest.mark.parametrize(
    ("previous", "current", "event"),
    [
        (rules.OSTEOPOROSIS, rules.OSTEOPENIA, "Moved out of the osteoporosis range"),
        (rules.SEVERE, rules.NORMAL, "Moved out of the osteoporosis range"),
        (rules.OSTEOPENIA, rules.NORMAL, "Moved from osteopenia to normal"),
        (rules.OSTEOPENIA, rules.OSTEOPOROSIS, ""),
        (rules.OSTEOPOROSIS, rules.OSTEOPOROSIS, ""),
    ],
)
def test_improvement_events(previous, current, event):
    assert rules.improvement(previous, current) == event


@pytest.mark.parametrize(
    ("site", "earlier", "later", "facility_lsc", "status", "source"),
    [
        # Default LSC: 3.0% of 0.800 = 0.024 exactly.
        ("lumbar_spine", "0.800", "0.824", None, rules.GAIN, "default LSC"),
        ("lumbar_spine", "0.800", "0.823", None, rules.STABLE, "default LSC"),
        ("lumbar_spine", "0.800", "0.776", None, rules.LOSS, "default LSC"),
        ("lumbar_spine", "0.800", "0.777", None, rules.STABLE, "default LSC"),
        # 3.6% of 0.500 = 0.018; 5.0% of 0.600 = 0.030; 4.0% of 0.700 = 0.028.
        ("total_hip", "0.500", "0.518", None, rules.GAIN, "default LSC"),
        ("femoral_neck", "0.600", "0.570", None, rules.LOSS, "default LSC"),
        ("femoral_neck", "0.600", "0.571", None, rules.STABLE, "default LSC"),
        ("radius_33", "0.700", "0.728", None, rules.GAIN, "default LSC"),
        # A facility's own LSC wins; a change exactly equal to it is significant.
        ("lumbar_spine", "0.800", "0.820", "0.020", rules.GAIN, "facility LSC"),
        ("lumbar_spine", "0.800", "0.819", "0.020", rules.STABLE, "facility LSC"),
        ("lumbar_spine", "0.800", "0.780", "0.020", rules.LOSS, "facility LSC"),
    ],
)
def test_bmd_change_against_the_lsc(site, earlier, later, facility_lsc, status, source):
    change = rules.bmd_change(site, D(earlier), D(later), comparable=True, facility_lsc=D(facility_lsc) if facility_lsc else None)
    assert (change.status, change.lsc_source) == (status, source)


def test_change_of_scanner_make_is_not_comparable():
    assert not rules.same_make("hologic", "Horizon", "ge_lunar", "Prodigy")
    assert rules.same_make("hologic", "Horizon A", "hologic", "Discovery")
    assert not rules.same_make("other", "Stratos", "other", "Medix")
    change = rules.bmd_change("lumbar_spine", D("0.800"), D("0.900"), comparable=False)
    assert change.status == rules.NOT_COMPARABLE
    assert change.delta is None


LAST = dt.date(2024, 2, 29)


def situation(**kwargs) -> ScanSituation:
    base = {
        "latest_scan_on": LAST,
        "previous_scan_on": dt.date(2022, 1, 10),
        "category": rules.OSTEOPENIA,
        "diagnosis": rules.OSTEOPENIA,
        "lowest_t": D("-1.5"),
    }
    return ScanSituation(**(base | kwargs))


@pytest.mark.parametrize(
    ("kwargs", "due", "rule_start"),
    [
        (
            {"category": rules.OSTEOPOROSIS, "diagnosis": rules.OSTEOPOROSIS, "lowest_t": D("-2.5")},
            dt.date(2026, 2, 28),
            "2 years",
        ),
        (
            {"category": rules.OSTEOPOROSIS, "diagnosis": rules.OSTEOPOROSIS, "medication_changed_on": dt.date(2023, 5, 1)},
            dt.date(2025, 2, 28),
            "1 year",
        ),
        # Changed before the previous scan: not "since the previous scan".
        ({"on_medication": True, "medication_changed_on": dt.date(2021, 6, 1)}, dt.date(2026, 2, 28), "2 years"),
        ({"on_medication": True, "medication_changed_on": dt.date(2022, 1, 11)}, dt.date(2025, 2, 28), "1 year"),
        # Sticky diagnosis keeps the treated interval even when the latest scan is osteopenia.
        ({"diagnosis": rules.OSTEOPOROSIS}, dt.date(2026, 2, 28), "2 years"),
        ({"lowest_t": D("-2.0")}, dt.date(2026, 2, 28), "2 years"),
        ({"lowest_t": D("-1.9")}, dt.date(2029, 2, 28), "5 years"),
        ({"lowest_t": D("-1.9"), "risk_factor": True}, dt.date(2026, 2, 28), "2 years"),
        ({"category": rules.NORMAL, "diagnosis": rules.NORMAL, "lowest_t": D("-1.0")}, None, "None scheduled"),
        # The clinician's interval always wins.
        ({"category": rules.NORMAL, "clinician_interval_months": 36}, dt.date(2027, 2, 28), "Every 36 months"),
        ({"category": rules.OSTEOPOROSIS, "clinician_interval_months": 6}, dt.date(2024, 8, 29), "Every 6 months"),
    ],
)
def test_next_scan_due(kwargs, due, rule_start):
    result = rules.next_scan_due(situation(**kwargs))
    assert result.due_on == due
    assert result.rule.startswith(rule_start)
    assert result.set_by_clinician is ("clinician_interval_months" in kwargs)


def test_add_months_clamps_to_month_end():
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert rules.add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert rules.add_months(dt.date(2024, 5, 15), -24) == dt.date(2022, 5, 15)
