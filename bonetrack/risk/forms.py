import datetime as dt

from django import forms

from bonetrack.accounts.forms import DATE_INPUT
from bonetrack.accounts.models import PatientProfile

from .models import FraxResult

HIP_WITHIN_MAJOR = "The hip fracture risk can't be higher than the major fracture risk, which includes it."


class FraxResultForm(forms.ModelForm):
    """A result read from the official FRAX calculator (R14)."""

    def __init__(self, *args, patient: PatientProfile, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today
        self.fields["major_percent"].help_text = "10-year probability of a major osteoporotic fracture, 0 to 100."
        self.fields["hip_percent"].help_text = "10-year probability of a hip fracture, 0 to 100."
        # Plain words for everyone: patients record results too.
        self.fields["with_bmd"].label = "Calculated with a scan result"
        self.fields["with_bmd"].help_text = "Ticked when a scan's femoral neck result was entered in the calculator."

    class Meta:
        model = FraxResult
        fields = ["assessed_on", "major_percent", "hip_percent", "with_bmd"]
        widgets = {
            "assessed_on": DATE_INPUT,
            "major_percent": forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}),
            "hip_percent": forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}),
        }

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > self.today:
            raise forms.ValidationError("The date can't be in the future.")
        if value < self.patient.date_of_birth:
            raise forms.ValidationError("The date can't be before the date of birth.")
        return value

    def clean(self):
        cleaned = super().clean()
        major, hip = cleaned.get("major_percent"), cleaned.get("hip_percent")
        if major is not None and hip is not None and hip > major:
            self.add_error("hip_percent", HIP_WITHIN_MAJOR)
        return cleaned
