from django import forms

from bonetrack.accounts.models import PatientProfile

from .models import NOTE_MAX_LENGTH, ClinicalNote


class ClinicalNoteForm(forms.ModelForm):
    class Meta:
        model = ClinicalNote
        fields = ["body"]
        labels = {"body": "Note"}
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
