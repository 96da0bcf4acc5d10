from decimal import Decimal as D

import pytest

from bonetrack.labs import rules


@pytest.mark.parametrize(
    ("ng_ml", "expected"),
    [
        ("0.1", "deficient"),
        ("12", "deficient"),
        ("19.9", "deficient"),
        ("19.99", "deficient"),
        ("20", "insufficient"),  # 20 is the first insufficient value
        ("25", "insufficient"),
        ("29", "insufficient"),
        ("29.5", "insufficient"),  # between 29 and 30: the target of 30 is not reached yet
        ("29.9", "insufficient"),
        ("30", "target"),  # 30 is at target
        ("30.1", "target"),
        ("100", "target"),
        ("250", "target"),
    ],
)
def test_vitamin_d_bands(ng_ml, expected):
    assert rules.vitamin_d_status(D(ng_ml)).key == expected
    assert rules.interpret(rules.VITAMIN_D, D(ng_ml)).key == expected


def test_vitamin_d_tones():
    assert [rules.vitamin_d_status(D(v)).tone for v in ("10", "25", "40")] == ["danger", "warning", "ok"]


@pytest.mark.parametrize(
    ("mg_dl", "low", "high", "expected"),
    [
        ("8.49", None, None, "low"),
        ("8.5", None, None, "normal"),  # the default range's ends are inside it
        ("9.4", None, None, "normal"),
        ("10.2", None, None, "normal"),
        ("10.21", None, None, "high"),
        # The lab's own range replaces the default one.
        ("8.6", "8.8", "10.3", "low"),
        ("8.8", "8.8", "10.3", "normal"),
        ("10.3", "8.8", "10.3", "normal"),
        ("10.25", "8.8", "10.3", "normal"),  # above 10.2 but within the lab's range
        ("10.31", "8.8", "10.3", "high"),
        ("8.3", "8.2", "10.2", "normal"),
        # Only one end given: not a range, so the default applies.
        ("8.3", "8.2", None, "low"),
    ],
)
def test_calcium_flags(mg_dl, low, high, expected):
    low = D(low) if low else None
    high = D(high) if high else None
    assert rules.calcium_status(D(mg_dl), low, high).key == expected
    assert rules.interpret(rules.CALCIUM, D(mg_dl), low, high).key == expected


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        (rules.VITAMIN_D, "75", rules.NMOL_L, "30.0"),  # 75 / 2.496 = 30.048
        (rules.VITAMIN_D, "49.92", rules.NMOL_L, "20.0"),
        (rules.VITAMIN_D, "50", rules.NMOL_L, "20.0"),  # 20.03
        (rules.VITAMIN_D, "74.6", rules.NMOL_L, "29.9"),
        (rules.VITAMIN_D, "32.4", rules.NG_ML, "32.4"),
        (rules.VITAMIN_D, "624", rules.NMOL_L, "250.0"),
        (rules.CALCIUM, "2.5", rules.MMOL_L, "10.02"),  # 2.5 / 0.2495 = 10.0200...
        (rules.CALCIUM, "2.2", rules.MMOL_L, "8.82"),
        (rules.CALCIUM, "2.12", rules.MMOL_L, "8.50"),  # 8.4970 rounds to 8.50
        (rules.CALCIUM, "9.4", rules.MG_DL, "9.40"),
    ],
)
def test_conversions(test, value, unit, expected):
    assert rules.to_canonical(test, D(value), unit) == D(expected)
    assert str(rules.to_canonical(test, D(value), unit)) == expected


def test_conversion_rejects_a_unit_of_the_other_test():
    with pytest.raises(ValueError):
        rules.to_canonical(rules.VITAMIN_D, D("2.5"), rules.MMOL_L)


def test_interpretation_follows_the_converted_value():
    # 74.6 nmol/L is 29.9 ng/mL: insufficient; 75 nmol/L reaches the target.
    assert rules.interpret(rules.VITAMIN_D, rules.to_canonical(rules.VITAMIN_D, D("74.6"), rules.NMOL_L)).key == "insufficient"
    assert rules.interpret(rules.VITAMIN_D, rules.to_canonical(rules.VITAMIN_D, D("75"), rules.NMOL_L)).key == "target"
    # 2.6 mmol/L is 10.42 mg/dL: high by default, normal within a lab range of 2.2–2.6 mmol/L (8.82–10.42).
    value = rules.to_canonical(rules.CALCIUM, D("2.6"), rules.MMOL_L)
    assert rules.interpret(rules.CALCIUM, value).key == "high"
    assert rules.interpret(rules.CALCIUM, value, D("8.82"), D("10.42")).key == "normal"


@pytest.mark.parametrize(
    ("test", "value", "plausible"),
    [
        (rules.VITAMIN_D, "0", False),
        (rules.VITAMIN_D, "0.1", True),
        (rules.VITAMIN_D, "250", True),
        (rules.VITAMIN_D, "250.1", False),
        (rules.CALCIUM, "1.99", False),
        (rules.CALCIUM, "2", True),
        (rules.CALCIUM, "20", True),
        (rules.CALCIUM, "20.01", False),
    ],
)
def test_plausible_bounds(test, value, plausible):
    assert rules.is_plausible(test, D(value)) is plausible


@pytest.mark.parametrize(
    ("value", "text"), [("100.00", "100"), ("250.0", "250"), ("10.20", "10.2"), ("30.05", "30.05"), ("0.50", "0.5")]
)
def test_format_number_never_uses_an_exponent(value, text):
    assert rules.format_number(D(value)) == text
