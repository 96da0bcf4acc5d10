"""Scan entry: one form for the scan and one small form per site; errors next to each field, nothing saved on error."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import construct_instance

from bonetrack.core.date_display import format_day

from . import rules
from .models import (
    BMD_MAX,
    BMD_MIN,
    SCORE_MAX,
    SCORE_MIN,
    SCORE_WARN_HIGH,
    SCORE_WARN_LOW,
    DexaScan,
    Facility,
    ScannerMake,
    Side,
    SiteMeasurement,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def keep_typing(form: forms.BaseForm) -> None:
    """Inline validation swaps the form: its inputs keep what the user is typing (htmx hx-preserve)."""
    for field in form.fields.values():
        field.widget.attrs["hx-preserve"] = "true"


BMD_MESSAGE = f"BMD must be between {BMD_MIN} and {BMD_MAX} g/cm²."
SCORE_MESSAGE = f"Enter a score between {SCORE_MIN} and +{SCORE_MAX}."


# Dashes people type (or phones substitute) for a minus sign: minus sign, en dash, em dash, hyphen, non-breaking
# hyphen, figure dash, small and full-width hyphen-minus.
MINUS_SIGNS = str.maketrans(dict.fromkeys("\u2212\u2013\u2014\u2010\u2011\u2012\ufe63\uff0d", "-"))


def normalise_signed_number(value: str) -> str:
    """'−2,3', '– 2.3' or ' -2.3 ' → '-2.3': any dash is a minus sign, a comma is the decimal point, spaces go."""
    return "".join(value.translate(MINUS_SIGNS).replace(",", ".").split())


class SignedDecimalField(forms.DecimalField):
    """A decimal that may be negative, typed in a text box.

    Phone number pads have no minus key (iOS `inputmode="decimal"` and `"numeric"`), so the box is a plain text input
    with the full keyboard, whose number page has the minus sign on iOS and Android alike; and `type="number"` would
    silently drop a value typed with a typographic dash. Any dash is read as the minus sign here.
    """

    def widget_attrs(self, widget):
        # Not DecimalField's number attributes (step/min/max would only confuse a text input).
        return forms.Field.widget_attrs(self, widget)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_signed_number(value)
        return super().to_python(value)


SIGNED_NUMBER_ATTRS = {
    "inputmode": "text",
    "autocomplete": "off",
    "autocapitalize": "off",
    "autocorrect": "off",
    "spellcheck": "false",
    # A hint for the browser's own checks: an optional sign (or any dash), digits, an optional decimal part.
    "pattern": r"\s*[+\-\u2212\u2013\u2014]?\s*[0-9]+([.,][0-9]+)?\s*",
}


def _score_field(label: str, required: bool) -> SignedDecimalField:
    return SignedDecimalField(
        label=label,
        required=required,
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(SCORE_MIN, SCORE_MESSAGE), MaxValueValidator(SCORE_MAX, SCORE_MESSAGE)],
        error_messages={"invalid": "Enter the score as a number, for example −2.3."},
        widget=forms.TextInput(attrs=SIGNED_NUMBER_ATTRS),
    )


class ScanForm(forms.ModelForm):
    new_facility = forms.CharField(
        label="Or a facility not in the list", max_length=120, required=False, help_text="Type its name if it is not listed."
    )

    class Meta:
        model = DexaScan
        fields = ["scanned_on", "facility", "new_facility", "make", "model"]
        widgets = {"scanned_on": DATE_INPUT}
        help_texts = {"model": "As printed on the report, e.g. Horizon A or Prodigy."}

    def __init__(self, *args, patient, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.today = patient, today
        self.fields["facility"].required = False
        self.fields["facility"].empty_label = "Choose a facility"
        # Names typed in other patients' records are theirs: only shared facilities and this record's own.
        self.fields["facility"].queryset = Facility.objects.available_to(patient)
        self.fields["make"].choices = [("", "Choose the make"), *ScannerMake.choices]
        keep_typing(self)

    def clean_scanned_on(self):
        day = self.cleaned_data["scanned_on"]
        if day > self.today:
            raise forms.ValidationError("The scan date can't be in the future.")
        if day < self.patient.date_of_birth:
            raise forms.ValidationError("The scan date can't be before the date of birth.")
        return day

    def clean(self):
        data = super().clean()
        name = (data.get("new_facility") or "").strip()
        if name:
            data["facility"] = Facility.objects.find_for(self.patient, name) or Facility(name=name, owner=self.patient)
        elif not data.get("facility") and "facility" not in self.errors:
            self.add_error("facility", "Choose the facility, or type its name below.")
        facility, day = data.get("facility"), data.get("scanned_on")
        if facility is not None and facility.pk and day:
            clash = DexaScan.objects.filter(patient=self.patient, scanned_on=day, facility=facility)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("scanned_on", f"There is already a scan on {format_day(day)} at {facility}.")
        return data

    def _post_clean(self):
        # NOTE: the facility may be new and unsaved here, so the model's own full_clean runs in services.scan_save
        # (after the facility is saved); the database constraint still guards patient + date + facility.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class SiteForm(forms.Form):
    """One site's values; leave all empty to skip the site."""

    side = forms.ChoiceField(choices=Side.choices, required=False)
    bmd = forms.DecimalField(
        label="BMD (g/cm²)",
        required=False,
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(BMD_MIN, BMD_MESSAGE), MaxValueValidator(BMD_MAX, BMD_MESSAGE)],
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )
    t_score = _score_field("T-score", required=False)
    z_score = _score_field("Z-score", required=False)

    def __init__(self, *args, site: str, **kwargs):
        super().__init__(*args, prefix=site, **kwargs)
        self.site, self.label = site, rules.SITE_LABELS[site]
        self.fields["side"].choices = [("", "Not stated"), *Side.choices[1:]]
        if site == rules.LUMBAR_SPINE:
            del self.fields["side"]
        keep_typing(self)

    @property
    def is_filled(self) -> bool:
        return any(self.data.get(self.add_prefix(name), "").strip() for name in ("bmd", "t_score", "z_score"))

    def clean(self):
        data = super().clean()
        if self.is_filled:
            for name, label in (("bmd", "BMD"), ("t_score", "T-score")):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, f"Enter the {label} for the {self.label.lower()}, or clear this site.")
        return data

    def warnings(self) -> dict[str, str]:
        """Values allowed but unusual (outside −5 to +4): shown as 'please double-check'."""
        found = {}
        if not hasattr(self, "cleaned_data"):
            return found
        for name in ("t_score", "z_score"):
            value = self.cleaned_data.get(name)
            if value is not None and not (SCORE_WARN_LOW <= value <= SCORE_WARN_HIGH):
                found[name] = f"{value:+} is unusual: please double-check it against the report."
        return found

    def rows(self):
        """(bound field, warning) pairs for the template."""
        warnings = self.warnings()
        return [(self[name], warnings.get(name, "")) for name in self.fields]

    def measurement(self) -> SiteMeasurement:
        data = self.cleaned_data
        return SiteMeasurement(
            site=self.site, side=data.get("side", ""), bmd=data["bmd"], t_score=data["t_score"], z_score=data.get("z_score")
        )


class ScanEntry:
    """The scan form and its four site forms, validated and saved together."""

    def __init__(
        self,
        data=None,
        *,
        patient,
        today,
        instance: DexaScan | None = None,
        initial: dict | None = None,
        initial_sites: dict[str, dict] | None = None,
    ):
        """`initial` / `initial_sites` pre-fill a new scan (values read from a report, for the person to check)."""
        self.patient = patient
        self.instance = instance or DexaScan(patient=patient)
        initial_sites = dict(initial_sites or {})
        if instance is not None and data is None:
            for m in instance.measurements.all():
                initial_sites[m.site] = {"side": m.side, "bmd": m.bmd, "t_score": m.t_score, "z_score": m.z_score}
        self.scan_form = ScanForm(data, instance=self.instance, patient=patient, today=today, initial=initial)
        self.site_forms = [SiteForm(data, site=site, initial=initial_sites.get(site)) for site in rules.SITES]
        self.site_error = ""

    def is_valid(self) -> bool:
        valid = self.scan_form.is_valid()
        valid = all([form.is_valid() for form in self.site_forms]) and valid
        if not any(form.is_filled for form in self.site_forms):
            self.site_error = "Enter the results of at least one site."
            valid = False
        return valid

    def warnings(self) -> list[str]:
        return [
            f"{form.label}: {form.fields[name].label} {message}"
            for form in self.site_forms
            for name, message in form.warnings().items()
        ]

    def quiet_empty_errors(self) -> None:
        """While typing (inline validation), only show errors for fields the user has filled in."""
        self.site_error = ""
        for form in [self.scan_form, *self.site_forms]:
            for name in list(form.errors):
                if name == "__all__" or not form.data.get(form.add_prefix(name), "").strip():
                    del form.errors[name]

    def save(self, *, user, source: str) -> DexaScan:
        from .services import scan_save

        scan = self.scan_form.save(commit=False)
        facility = self.scan_form.cleaned_data["facility"]
        if facility.pk is None:
            facility.save()
        scan.facility = facility
        if scan.pk is None:
            scan.source = source
        measurements = [form.measurement() for form in self.site_forms if form.is_filled]
        return scan_save(scan=scan, measurements=measurements, user=user)
