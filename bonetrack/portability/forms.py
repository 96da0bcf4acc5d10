"""The FHIR import's two steps: the file upload, and the confirmation that asks what the reports did not say."""

from django import forms

from dexa.models import ScannerMake

from .fhir_import import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label="FHIR bundle file (JSON, up to 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json,application/fhir+json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: it cannot be imported.")
        return upload


class ConfirmForm(forms.Form):
    """The signed scans of the preview, plus the facility and the scanner make when some report does not give them."""

    scans = forms.CharField(widget=forms.HiddenInput)
    facility = forms.CharField(
        label="Facility", max_length=120, required=False, help_text="Where the scans were done, e.g. City Imaging."
    )
    make = forms.ChoiceField(label="Scanner make", choices=[("", "Choose the make"), *ScannerMake.choices], required=False)

    def __init__(self, *args, needs_facility: bool = False, needs_make: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].required = needs_facility
        self.fields["make"].required = needs_make
        if not needs_facility:
            self.fields["facility"].widget = forms.HiddenInput()
        if not needs_make:
            self.fields["make"].widget = forms.HiddenInput()
