import datetime as dt

from django import forms

from bonetrack.accounts.forms import DATE_INPUT

from .models import Course, Dose, Regimen, StopReason


class RegimenChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Regimen) -> str:
        return str(obj)


class CourseForm(forms.ModelForm):
    """A course as the patient or clinician knows it; the model checks the dates and overlaps (Course.clean)."""

    regimen = RegimenChoiceField(
        label="Medication", queryset=Regimen.objects.select_related("drug"), empty_label="Choose the medication and dose"
    )

    class Meta:
        model = Course
        fields = ["regimen", "started_on", "ended_on", "stop_reason", "prescriber", "notes"]
        labels = {"started_on": "Started on", "ended_on": "Stopped on (if it has stopped)"}
        help_texts = {"prescriber": "Optional: who prescribed it."}
        widgets = {"started_on": DATE_INPUT, "ended_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop_reason"].choices = [("", "Not stopped"), *StopReason.choices]
        for name in ("started_on", "ended_on"):
            self.fields[name].widget.attrs.update(
                {"max": today.isoformat(), "min": self.instance.patient.date_of_birth.isoformat()}
            )


class CourseStopForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["ended_on", "stop_reason"]
        labels = {"ended_on": "Stopped on"}
        widgets = {"ended_on": DATE_INPUT}

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        # The reason is required too: Course.clean says so ("Say why the course stopped."), once.
        self.fields["ended_on"].required = True
        self.fields["stop_reason"].choices = [("", "Choose a reason"), *StopReason.choices]
        self.fields["ended_on"].widget.attrs.update({"max": today.isoformat(), "min": self.instance.started_on.isoformat()})
        if not self.is_bound and not self.initial.get("ended_on"):
            self.initial["ended_on"] = today


class DoseForm(forms.ModelForm):
    """A dose on a day: taken (self-given) or given (at the clinic, with optional site and lot), or missed."""

    class Meta:
        model = Dose
        fields = ["on", "status", "site", "lot"]
        widgets = {"on": DATE_INPUT}

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        course = self.instance.course
        self.fields["status"].choices = course.dose_status_choices
        self.fields["on"].widget.attrs.update({"max": today.isoformat(), "min": course.started_on.isoformat()})
        if not course.regimen.clinic_given:
            del self.fields["site"], self.fields["lot"]
        if not self.is_bound and self.instance.pk is None:
            self.initial.update(on=today, status=course.dose_status_choices[0][0])
