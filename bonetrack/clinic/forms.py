from decimal import Decimal

from django import forms

from bonetrack.accounts.models import GOAL_T_DEFAULT, GOAL_T_STRICTEST, PatientProfile
from bonetrack.core.date_display import format_day
from dexa.goals import t_text

from .models import NOTE_MAX_LENGTH, ClinicalNote


class ScanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{format_day(obj.scanned_on)} at {obj.facility.name}"


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


class NoteEditForm(forms.ModelForm):
    """The corrected text of a note; the earlier text is kept (see services.note_edit)."""

    class Meta:
        model = ClinicalNote
        fields = ["body"]
        labels = {"body": "Note"}
        help_texts = {"body": "Seen by the care team and administrators, not by the patient. The earlier text stays viewable."}
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "maxlength": NOTE_MAX_LENGTH})}
        error_messages = {"body": {"required": "Write the note before saving it."}}


class ScanIntervalForm(forms.ModelForm):
    class Meta:
        model = PatientProfile
        fields = ["scan_interval_months"]
        labels = {"scan_interval_months": "Scan interval (months)"}
        help_texts = {
            "scan_interval_months": "Between 6 and 180 months. Leave empty to follow the default rule for the latest scan."
        }


def _goal_choices() -> list[tuple[str, str]]:
    """The default, then every goal from above −2.5 to above −1.0 in steps of 0.1."""
    steps = int((GOAL_T_STRICTEST - GOAL_T_DEFAULT) / Decimal("0.1"))
    values = [GOAL_T_DEFAULT + Decimal("0.1") * step for step in range(steps + 1)]
    return [
        ("", f"Default goal: T-score above {t_text(GOAL_T_DEFAULT)}"),
        *((f"{v}", f"T-score above {t_text(v)}") for v in values),
    ]


class TreatmentGoalForm(forms.Form):
    """R13: a stricter goal than the default, with the reason, or back to the default goal."""

    goal = forms.TypedChoiceField(
        label="Treatment goal",
        choices=_goal_choices,
        coerce=Decimal,
        empty_value=None,
        required=False,
        help_text="Every measured site (lumbar spine, total hip, femoral neck) should be above this T-score.",
    )
    reason = forms.CharField(
        label="Reason for the goal",
        max_length=PatientProfile._meta.get_field("goal_reason").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you set a goal, e.g. above −2.0 after a hip or vertebral fracture. Shown to the care team.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("goal") is not None and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give the reason for this goal.")
        return cleaned
