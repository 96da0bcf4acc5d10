import datetime as dt
from decimal import Decimal

from django import forms

from bonetrack.accounts.forms import DATE_INPUT
from bonetrack.accounts.models import PatientProfile

from . import rules
from .models import LabResult, Test, Unit

RANGE_HELP = "Optional, serum calcium only: the lab's reference range, in the same unit as the result."


def _limits(test: str) -> str:
    if test == rules.VITAMIN_D:
        nmol = (rules.VITAMIN_D_MAX * rules.FACTORS[rules.NMOL_L]).normalize()
        return f"above 0 and at most {rules.VITAMIN_D_MAX} ng/mL ({nmol:f} nmol/L)"
    mmol = [(v * rules.FACTORS[rules.MMOL_L]).normalize() for v in (rules.CALCIUM_MIN, rules.CALCIUM_MAX)]
    return f"between {rules.CALCIUM_MIN} and {rules.CALCIUM_MAX} mg/dL ({mmol[0]:f}–{mmol[1]:f} mmol/L)"


class LabResultForm(forms.ModelForm):
    """A result as printed on the lab report; the value is stored in the canonical unit (R12)."""

    range_low = forms.DecimalField(label="Lab range low", required=False, max_digits=6, decimal_places=2, help_text=RANGE_HELP)
    range_high = forms.DecimalField(label="Lab range high", required=False, max_digits=6, decimal_places=2)

    class Meta:
        model = LabResult
        # The range is entered in the result's unit and stored converted (see clean), so it is not a model field here.
        fields = ["test", "taken_on", "entered_value", "entered_unit", "notes"]
        labels = {"test": "Test", "entered_value": "Result", "entered_unit": "Unit"}
        widgets = {"taken_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 2})}

    field_order = ["test", "taken_on", "entered_value", "entered_unit", "range_low", "range_high", "notes"]

    def __init__(self, *args, patient: PatientProfile, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today
        self.fields["test"].choices = [("", "Choose a test"), *Test.choices]
        self.fields["entered_unit"].choices = [("", "Choose the unit on the report"), *Unit.choices]
        self.fields["taken_on"].widget.attrs.update({"max": today.isoformat(), "min": patient.date_of_birth.isoformat()})
        self.fields["entered_value"].widget.attrs.update({"inputmode": "decimal", "step": "any", "min": "0"})
        for name in ("range_low", "range_high"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any", "min": "0"})

    def clean_taken_on(self):
        value = self.cleaned_data["taken_on"]
        if value > self.today:
            raise forms.ValidationError("The date can't be in the future.")
        if value < self.patient.date_of_birth:
            raise forms.ValidationError("The date can't be before the date of birth.")
        return value

    def clean(self):
        data = super().clean()
        test, unit, entered = data.get("test"), data.get("entered_unit"), data.get("entered_value")
        if not test:
            return data
        if unit and unit not in rules.UNITS[test]:
            self.add_error("entered_unit", f"{Test(test).label} is given in {' or '.join(rules.UNITS[test])}.")
            return data
        if unit and entered is not None:
            value = rules.to_canonical(test, entered, unit) if entered > 0 else Decimal(0)
            if not rules.is_plausible(test, value):
                self.add_error("entered_value", f"Enter a {Test(test).label} result {_limits(test)}.")
            else:
                self.instance.value = value
        self._clean_range(test, unit, data.get("range_low"), data.get("range_high"))
        return data

    def _clean_range(self, test, unit, low, high) -> None:
        self.instance.range_low = self.instance.range_high = None
        if low is None and high is None:
            return
        if test != rules.CALCIUM:
            self.add_error("range_low", "A lab range is only used for serum calcium.")
            return
        if low is None or high is None:
            self.add_error("range_low" if low is None else "range_high", "Enter both ends of the lab's range, or neither.")
            return
        if unit is None or "entered_unit" in self.errors:
            return
        low_mg, high_mg = (rules.to_canonical(test, v, unit) if v > 0 else Decimal(0) for v in (low, high))
        if not (rules.is_plausible(test, low_mg) and rules.is_plausible(test, high_mg)):
            self.add_error("range_low", f"Enter a range {_limits(test)}.")
        elif low_mg >= high_mg:
            self.add_error("range_high", "The high end must be above the low end.")
        else:
            self.instance.range_low, self.instance.range_high = low_mg, high_mg
