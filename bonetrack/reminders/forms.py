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
