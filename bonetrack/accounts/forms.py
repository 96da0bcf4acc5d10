import datetime as dt

from django import forms
from django.utils import timezone

from bonetrack.core.timezones import UTC, canonical_zone

from .models import MENOPAUSE_MESSAGE, STATUSES_FOR_MEN, PatientProfile, Role, Sex, User

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
    # Filled in by static/js/timezone.js from the browser; the dashboard's checklist then asks the patient to confirm it.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}), initial=UTC)

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

    def clean_time_zone(self) -> str:
        """The browser's zone as a canonical zone (an old name mapped to its zone), else UTC."""
        return canonical_zone(self.cleaned_data["time_zone"]) or UTC

    def clean(self):
        data = super().clean()
        if data.get("sex") == Sex.MALE and data.get("menopausal_status") not in STATUSES_FOR_MEN:
            self.add_error("menopausal_status", MENOPAUSE_MESSAGE)
        return data

    def signup(self, request, user: User) -> None:
        data = self.cleaned_data
        user.first_name, user.last_name, user.time_zone = data["first_name"], data["last_name"], data["time_zone"]
        user.role = Role.PATIENT
        user.save(update_fields=["first_name", "last_name", "time_zone", "role"])
        PatientProfile.objects.create(
            user=user, date_of_birth=data["date_of_birth"], sex=data["sex"], menopausal_status=data["menopausal_status"]
        )
