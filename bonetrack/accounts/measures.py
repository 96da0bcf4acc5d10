"""Height and weight in the patient's units (PatientProfile.body_units); they are always stored in cm and kg to 0.1.

Imperial values are shown to the half inch and the half pound. That resolution round-trips: a value typed in feet
and inches (or pounds), stored to 0.1 cm (or 0.1 kg) and shown again is the value typed, because 0.05 cm is far
less than a quarter inch and 0.05 kg less than a quarter pound. The other way, a stored 162.6 cm is shown as
5 ft 4 in, which is 162.56 cm: a form therefore keeps the stored value when the value shown comes back unchanged
(bonetrack/patients/forms.py), so saving a page never moves a measurement.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .models import BodyUnits

CM_PER_INCH = Decimal("2.54")
KG_PER_POUND = Decimal("0.45359237")
INCHES_PER_FOOT = 12
TENTH = Decimal("0.1")
HALF = Decimal("0.5")

# The stored ranges (PatientProfile's validators and constraints).
HEIGHT_CM_RANGE = (Decimal(90), Decimal(250))
WEIGHT_KG_RANGE = (Decimal(25), Decimal(300))


def _to_half(value: Decimal, rounding=ROUND_HALF_UP) -> Decimal:
    return (value * 2).quantize(Decimal(1), rounding=rounding) / 2


def _to_tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def inches_from_cm(cm: Decimal) -> Decimal:
    """Total inches to the half inch."""
    return _to_half(Decimal(cm) / CM_PER_INCH)


def feet_and_inches(total_inches: Decimal) -> tuple[int, Decimal]:
    """(5, Decimal("4.5")) for 64.5 inches."""
    feet = int(total_inches // INCHES_PER_FOOT)
    return feet, total_inches - feet * INCHES_PER_FOOT


def cm_from_feet_and_inches(feet: int, inches: Decimal) -> Decimal:
    """Centimetres to 0.1, as stored."""
    return _to_tenth((feet * INCHES_PER_FOOT + Decimal(inches)) * CM_PER_INCH)


def pounds_from_kg(kg: Decimal) -> Decimal:
    """Pounds to the half pound."""
    return _to_half(Decimal(kg) / KG_PER_POUND)


def kg_from_pounds(pounds: Decimal) -> Decimal:
    """Kilograms to 0.1, as stored."""
    return _to_tenth(Decimal(pounds) * KG_PER_POUND)


# The imperial values that can be typed: shown to the half, and inside the stored range once converted.
HEIGHT_INCHES_RANGE = (
    _to_half(HEIGHT_CM_RANGE[0] / CM_PER_INCH, ROUND_CEILING),
    _to_half(HEIGHT_CM_RANGE[1] / CM_PER_INCH, ROUND_FLOOR),
)
WEIGHT_POUNDS_RANGE = (
    _to_half(WEIGHT_KG_RANGE[0] / KG_PER_POUND, ROUND_CEILING),
    _to_half(WEIGHT_KG_RANGE[1] / KG_PER_POUND, ROUND_FLOOR),
)


def number_text(value: Decimal) -> str:
    """163 for 163.0, 163.5 for 163.5."""
    return f"{Decimal(value).normalize():f}"


def feet_and_inches_text(total_inches: Decimal) -> str:
    feet, inches = feet_and_inches(total_inches)
    return f"{feet} ft {number_text(inches)} in"


def height_text(cm: Decimal | None, units: str, *, with_metric: bool = False) -> str:
    """The height as "5 ft 4.5 in" or "163.8 cm" ("" when not recorded); `with_metric` adds the cm to imperial."""
    if cm is None:
        return ""
    if units != BodyUnits.IMPERIAL:
        return f"{number_text(cm)} cm"
    text = feet_and_inches_text(inches_from_cm(cm))
    return f"{text} ({number_text(cm)} cm)" if with_metric else text


def weight_text(kg: Decimal | None, units: str, *, with_metric: bool = False) -> str:
    """The weight as "134.5 lb" or "61 kg" ("" when not recorded); `with_metric` adds the kg to imperial."""
    if kg is None:
        return ""
    if units != BodyUnits.IMPERIAL:
        return f"{number_text(kg)} kg"
    text = f"{number_text(pounds_from_kg(kg))} lb"
    return f"{text} ({number_text(kg)} kg)" if with_metric else text
