import datetime as dt

from django import forms

from bonetrack.accounts.forms import DATE_INPUT, validate_birth_date
from bonetrack.accounts.models import Fracture, PatientProfile, User
from bonetrack.core.timezones import time_zone_choices
from bonetrack.core.widgets import LongSelect


class UserDetailsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, widget=LongSelect)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "time_zone"]


class PatientProfileForm(forms.ModelForm):
    class Meta:
        model = PatientProfile
        fields = [
            "date_of_birth",
            "sex",
            "menopausal_status",
            "height_cm",
            "weight_kg",
            "glucocorticoids",
            "parental_hip_fracture",
            "current_smoker",
            "alcohol_3_units",
            "rheumatoid_arthritis",
        ]
        widgets = {"date_of_birth": DATE_INPUT}

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_birth_date(value)
        moved_later = self.instance.pk and value > self.instance.date_of_birth
        earliest = self.instance.earliest_entry() if moved_later else None
        if earliest and value > earliest[0]:
            day, what = earliest
            raise forms.ValidationError(f"The record has {what} on {day:%-d %b %Y}: the date of birth can't be after that.")
        return value


class FractureForm(forms.ModelForm):
    def __init__(self, *args, patient: PatientProfile, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today

    class Meta:
        model = Fracture
        fields = ["site", "occurred_on", "fragility", "notes"]
        widgets = {"occurred_on": DATE_INPUT}

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > self.today:
            raise forms.ValidationError("The date can't be in the future.")
        if value < self.patient.date_of_birth:
            raise forms.ValidationError("The date can't be before the date of birth.")
        return value
