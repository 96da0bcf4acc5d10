from django import forms

from bonetrack.core.timezones import TimeZoneField

from .checklist import ANSWERS

HIDE = "hide"


class ChecklistAnswerForm(forms.Form):
    """One of the checklist's buttons: an answer to a step, or hiding the list."""

    answer = forms.ChoiceField(choices=[(answer, answer) for answer in (*ANSWERS, HIDE)])


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        label="Your time zone", help_text="Grouped by region and named after a city: choose yours or the nearest one."
    )
