from django import forms

from .models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "in_app"]
        labels = {"email": "Email me", "in_app": "Show them in BoneTrack"}
        help_texts = {
            "email": "Sent at about 9 am your time. Every email has a one-click link to stop them.",
            "in_app": "They appear under the bell at the top of every page.",
        }


class DoseReminderForm(forms.ModelForm):
    """Self-given medicines: whether and when to be reminded on dose days."""

    class Meta:
        model = NotificationPreference
        fields = ["dose_in_app", "dose_email", "dose_time"]
        labels = {
            "dose_in_app": "Remind me in BoneTrack on dose days",
            "dose_email": "Also email me on dose days",
            "dose_time": "At",
        }
        help_texts = {
            "dose_in_app": "For medicines you take yourself: one reminder each dose day, unless the dose is already ticked.",
            "dose_email": "Off unless you turn it on. Emails also stop if you turn off reminder emails above.",
            "dose_time": "Your local time, e.g. 07:30.",
        }
        widgets = {"dose_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean_dose_time(self):
        # Whole minutes: a seconds value from a hand-made request would only make the moment odd.
        return self.cleaned_data["dose_time"].replace(second=0, microsecond=0)
