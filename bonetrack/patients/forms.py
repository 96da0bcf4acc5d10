import datetime as dt

from django import forms
from django.contrib.auth import authenticate

from bonetrack.accounts.forms import DATE_INPUT, validate_birth_date
from bonetrack.accounts.models import BodyUnits, DateFormat, Fall, Fracture, PatientProfile, User
from bonetrack.core.date_display import format_day
from bonetrack.core.timezones import TimeZoneField

from .measure_fields import clean_measures, measure_fields, shown_values

DATE_FORMAT_CHOICES = [
    (DateFormat.DAY_MONTH_YEAR, "29 Nov 2026 (day, month, year)"),
    (DateFormat.MONTH_DAY_YEAR, "Nov 29, 2026 (month, day, year)"),
    (DateFormat.ISO, "2026-11-29 (year-month-day)"),
]


class UserDetailsForm(forms.ModelForm):
    time_zone = TimeZoneField()
    # Not required: a form sent without the choice keeps the person's current one.
    date_format = forms.ChoiceField(label="Show dates as", choices=DATE_FORMAT_CHOICES, required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "time_zone", "date_format"]

    def clean_date_format(self) -> str:
        return self.cleaned_data["date_format"] or self.instance.date_format


class PatientProfileForm(forms.ModelForm):
    """The patient's details; height and weight in the units the form is shown in (measure_fields)."""

    shown_units = forms.ChoiceField(choices=BodyUnits.choices, required=False, widget=forms.HiddenInput)

    class Meta:
        model = PatientProfile
        fields = ["date_of_birth", "sex", "menopausal_status", "body_units", "height_cm", "weight_kg"]
        labels = {"body_units": "Height and weight in"}
        help_texts = {"body_units": "After saving, your height and weight are shown in the units chosen here."}
        widgets = {"date_of_birth": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.body_units
        sent = self.data.get(self.add_prefix("shown_units")) if self.is_bound else None
        self.units = sent if sent in BodyUnits.values else stored
        for name in ("height_cm", "weight_kg"):
            del self.fields[name]
        self.fields["body_units"].required = False  # sent without it, the form keeps the current units
        self.fields.update(measure_fields(self.units))
        self.initial.update(shown_values(self.instance, self.units), shown_units=self.units)

    def clean_body_units(self) -> str:
        return self.cleaned_data["body_units"] or self.instance.body_units

    def clean(self):
        cleaned = super().clean()
        clean_measures(self, self.units, self.instance)
        return cleaned

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_birth_date(value)
        moved_later = self.instance.pk and value > self.instance.date_of_birth
        earliest = self.instance.earliest_entry() if moved_later else None
        if earliest and value > earliest[0]:
            day, what = earliest
            raise forms.ValidationError(f"The record has {what} on {format_day(day)}: the date of birth can't be after that.")
        return value


class FractureForm(forms.ModelForm):
    def __init__(self, *args, patient: PatientProfile, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today

    class Meta:
        model = Fracture
        fields = ["site", "occurred_on", "fragility", "on_glucocorticoids", "notes"]
        help_texts = {"on_glucocorticoids": "A fracture while taking them counts toward very high fracture risk."}
        widgets = {"occurred_on": DATE_INPUT}

    def clean_occurred_on(self):
        return _past_day_in_life(self.cleaned_data["occurred_on"], self.patient, self.today)


def _past_day_in_life(value: dt.date, patient: PatientProfile, today: dt.date) -> dt.date:
    if value > today:
        raise forms.ValidationError("The date can't be in the future.")
    if value < patient.date_of_birth:
        raise forms.ValidationError("The date can't be before the date of birth.")
    return value


class RiskFactorsForm(forms.ModelForm):
    """R15's answers: the clinical risk factors R5 reads (fractures and falls are their own rows)."""

    class Meta:
        model = PatientProfile
        fields = ["smoking", "alcohol_units_per_week", "glucocorticoids", "rheumatoid_arthritis", "parental_hip_fracture"]
        labels = {"smoking": "Smoking", "alcohol_units_per_week": "Alcohol: units a week"}
        widgets = {"alcohol_units_per_week": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 300})}


class FallForm(forms.ModelForm):
    def __init__(self, *args, patient: PatientProfile, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today

    class Meta:
        model = Fall
        fields = ["occurred_on", "injury", "fracture", "notes"]
        help_texts = {"fracture": "A broken bone counts as being hurt. Record the fracture itself on the fractures page too."}
        widgets = {"occurred_on": DATE_INPUT}

    def clean_occurred_on(self):
        return _past_day_in_life(self.cleaned_data["occurred_on"], self.patient, self.today)

    def clean(self):
        cleaned = super().clean()
        # A fall that broke a bone hurt (the `fall_fracture_is_an_injury` constraint): tick it rather than refuse.
        if cleaned.get("fracture"):
            cleaned["injury"] = True
        return cleaned


class AccountDeleteForm(forms.Form):
    """The patient's own password and a tick: deleting the account cannot be undone."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="The one you sign in with.",
    )
    confirm = forms.BooleanField(
        label="I understand that my account and all my records will be erased and cannot be brought back.",
        error_messages={"required": "Tick this box to confirm."},
    )

    def __init__(self, data=None, *, request, user: User):
        super().__init__(data)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        # Through authenticate(), so that django-axes counts wrong passwords here as it does at sign-in.
        password = self.cleaned_data["password"]
        if authenticate(self.request, email=self.user.email, password=password) != self.user:
            raise forms.ValidationError("That is not your password. Nothing has been deleted.")
        return password
