"""The profile form's height and weight, typed in the patient's units: cm and kg, or feet + inches and pounds.

The fields are those of the units the form was shown in (`shown_units`, a hidden field), whatever the unit switch
says: what a person typed is read in the units they saw, and the next page shows the units they chose. A value that
comes back exactly as it was shown keeps the stored value (see bonetrack/accounts/measures.py), so saving the page
never moves a measurement.
"""

from decimal import Decimal

from django import forms

from bonetrack.accounts import measures
from bonetrack.accounts.models import BodyUnits, PatientProfile

METRIC_FIELDS = ("height_cm", "weight_kg")
IMPERIAL_FIELDS = ("height_ft", "height_in", "weight_lb")

HEIGHT_CM_MESSAGE = "Enter a height between 90 cm and 250 cm."
WEIGHT_KG_MESSAGE = "Enter a weight between 25 kg and 300 kg."
HEIGHT_FT_MESSAGE = (
    f"Enter a height between {measures.feet_and_inches_text(measures.HEIGHT_INCHES_RANGE[0])}"
    f" and {measures.feet_and_inches_text(measures.HEIGHT_INCHES_RANGE[1])}."
)
WEIGHT_LB_MESSAGE = (
    f"Enter a weight between {measures.number_text(measures.WEIGHT_POUNDS_RANGE[0])} lb"
    f" and {measures.number_text(measures.WEIGHT_POUNDS_RANGE[1])} lb."
)
INCHES_MESSAGE = "Enter the inches as a number from 0 to 11.5 (12 inches make a foot)."


def _number(label: str, *, places: int, step: str, message: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=6,
        decimal_places=places,
        help_text=help_text,
        error_messages={
            "invalid": message,
            "max_digits": message,
            "max_whole_digits": message,
            "max_decimal_places": f"Enter at most {'one decimal place' if places == 1 else f'{places} decimal places'}.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": step}),
    )


def measure_fields(units: str) -> dict[str, forms.Field]:
    """The height and weight fields for `units`, in display order."""
    if units == BodyUnits.IMPERIAL:
        return {
            "height_ft": forms.IntegerField(
                label="Height, feet",
                required=False,
                error_messages={"invalid": HEIGHT_FT_MESSAGE},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "min": 2, "max": 8}),
            ),
            "height_in": _number("Height, inches", places=2, step="0.5", message=INCHES_MESSAGE, help_text="0 to 11.5"),
            "weight_lb": _number("Weight (lb)", places=2, step="0.5", message=WEIGHT_LB_MESSAGE),
        }
    return {
        "height_cm": _number("Height (cm)", places=1, step="0.1", message=HEIGHT_CM_MESSAGE),
        "weight_kg": _number("Weight (kg)", places=1, step="0.1", message=WEIGHT_KG_MESSAGE),
    }


def shown_values(patient: PatientProfile, units: str) -> dict:
    """The stored height and weight as the fields of `units` show them."""
    if units != BodyUnits.IMPERIAL:
        return {"height_cm": patient.height_cm, "weight_kg": patient.weight_kg}
    values: dict = {"height_ft": None, "height_in": None, "weight_lb": None}
    if patient.height_cm is not None:
        values["height_ft"], values["height_in"] = measures.feet_and_inches(measures.inches_from_cm(patient.height_cm))
    if patient.weight_kg is not None:
        values["weight_lb"] = measures.pounds_from_kg(patient.weight_kg)
    return values


def clean_measures(form: forms.BaseForm, units: str, patient: PatientProfile) -> None:
    """Put the height in cm and weight in kg to store into `form.cleaned_data`, or add errors in the typed units."""
    data, shown = form.cleaned_data, shown_values(patient, units)
    if units == BodyUnits.IMPERIAL:
        height, weight = _imperial_height(form, shown, patient), _imperial_weight(form, shown, patient)
    else:
        height = _metric(form, "height_cm", measures.HEIGHT_CM_RANGE, HEIGHT_CM_MESSAGE)
        weight = _metric(form, "weight_kg", measures.WEIGHT_KG_RANGE, WEIGHT_KG_MESSAGE)
    if height is not False:
        data["height_cm"] = height
    if weight is not False:
        data["weight_kg"] = weight


def _metric(form, name: str, bounds: tuple[Decimal, Decimal], message: str):
    if name not in form.cleaned_data:
        return False  # the field's own error stands
    value = form.cleaned_data[name]
    if value is not None and not bounds[0] <= value <= bounds[1]:
        form.add_error(name, message)
        return False
    return value


def _imperial_height(form, shown: dict, patient: PatientProfile):
    if "height_ft" not in form.cleaned_data or "height_in" not in form.cleaned_data:
        return False
    feet, inches = form.cleaned_data["height_ft"], form.cleaned_data["height_in"]
    if feet is None and inches is None:
        return None
    if inches is not None and not 0 <= inches < measures.INCHES_PER_FOOT:
        form.add_error("height_in", INCHES_MESSAGE)
        return False
    typed = (feet or 0, inches or 0)
    if shown["height_ft"] is not None and typed == (shown["height_ft"], shown["height_in"]):
        return patient.height_cm  # unchanged: keep the stored value, not its rounded image
    total = typed[0] * measures.INCHES_PER_FOOT + typed[1]
    if not measures.HEIGHT_INCHES_RANGE[0] <= total <= measures.HEIGHT_INCHES_RANGE[1]:
        form.add_error("height_ft", HEIGHT_FT_MESSAGE)
        return False
    return measures.cm_from_feet_and_inches(*typed)


def _imperial_weight(form, shown: dict, patient: PatientProfile):
    if "weight_lb" not in form.cleaned_data:
        return False
    pounds = form.cleaned_data["weight_lb"]
    if pounds is None:
        return None
    if shown["weight_lb"] is not None and pounds == shown["weight_lb"]:
        return patient.weight_kg  # unchanged: keep the stored value
    if not measures.WEIGHT_POUNDS_RANGE[0] <= pounds <= measures.WEIGHT_POUNDS_RANGE[1]:
        form.add_error("weight_lb", WEIGHT_LB_MESSAGE)
        return False
    return measures.kg_from_pounds(pounds)
