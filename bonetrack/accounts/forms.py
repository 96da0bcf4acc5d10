import datetime as dt

from django import forms
from django.utils import timezone

from bonetrack.core.timezones import time_zone_choices
from bonetrack.core.widgets import LongSelect

from .models import MENOPAUSE_MESSAGE, STATUSES_FOR_MEN, Fracture, PatientProfile, Sex, User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def validate_birth_date(value: dt.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise forms.ValidationError("Date of birth can't be in the future.")
    if value.year < today.year - 120:
        raise forms.ValidationError("Please check the year: that is more than 120 years ago.")
    if value.year > today.year - 18:
        raise forms.ValidationError("BoneTrack is for adults (18 and over).")


class PatientSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: every new sign-up is a patient."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    date_of_birth = forms.DateField(widget=DATE_INPUT, validators=[validate_birth_date])
    sex = forms.ChoiceField(
        choices=PatientProfile._meta.get_field("sex").choices,
        help_text="Sex assigned at birth; bone-density reference ranges depend on it.",
    )
    menopausal_status = forms.ChoiceField(choices=PatientProfile._meta.get_field("menopausal_status").choices, initial="unknown")
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC", widget=LongSelect)

    field_order = [
        "email",
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "menopausal_status",
        "time_zone",
        "password1",
        "password2",
    ]

    def clean(self):
        data = super().clean()
        if data.get("sex") == Sex.MALE and data.get("menopausal_status") not in STATUSES_FOR_MEN:
            self.add_error("menopausal_status", MENOPAUSE_MESSAGE)
        return data

    def signup(self, request, user: User) -> None:
        data = self.cleaned_data
        user.first_name, user.last_name, user.time_zone = data["first_name"], data["last_name"], data["time_zone"]
        user.role = "patient"
        user.save(update_fields=["first_name", "last_name", "time_zone", "role"])
        PatientProfile.objects.create(
            user=user, date_of_birth=data["date_of_birth"], sex=data["sex"], menopausal_status=data["menopausal_status"]
        )


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
            "on_osteoporosis_medication",
            "medication_changed_on",
        ]
        widgets = {"date_of_birth": DATE_INPUT, "medication_changed_on": DATE_INPUT}

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_birth_date(value)
        moved_later = self.instance.pk and value > self.instance.date_of_birth
        earliest = self.instance.earliest_entry() if moved_later else None
        if earliest and value > earliest[0]:
            day, what = earliest
            raise forms.ValidationError(f"The record has {what} on {day:%-d %b %Y}: the date of birth can't be after that.")
        return value

    def clean_medication_changed_on(self):
        value = self.cleaned_data.get("medication_changed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("This date can't be in the future.")
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
