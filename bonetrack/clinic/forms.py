from django import forms

from bonetrack.accounts.models import PatientProfile

from .models import NOTE_MAX_LENGTH, ClinicalNote


class ScanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.scanned_on:%d %b %Y} at {obj.facility.name}"


class ClinicalNoteForm(forms.ModelForm):
    """A note on the patient, optionally pinned to one of their scans."""

    def __init__(self, *args, patient: PatientProfile, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this patient's scans can be chosen: a foreign scan id is an invalid choice.
        self.fields["scan"].queryset = patient.dexa_scans.select_related("facility").order_by("-scanned_on")

    class Meta:
        model = ClinicalNote
        fields = ["body", "scan"]
        field_classes = {"scan": ScanChoiceField}
        labels = {"body": "Note", "scan": "About the scan of (optional)"}
        help_texts = {"body": "Seen by the care team and administrators, not by the patient."}
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH})}
        error_messages = {"body": {"required": "Write the note before saving it."}}


class ScanIntervalForm(forms.ModelForm):
    class Meta:
        model = PatientProfile
        fields = ["scan_interval_months"]
        labels = {"scan_interval_months": "Scan interval (months)"}
        help_texts = {
            "scan_interval_months": "Between 6 and 180 months. Leave empty to follow the default rule for the latest scan."
        }
