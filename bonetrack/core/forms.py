"""The project's form renderer: every invalid input names its error text, wherever the form is rendered."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class ErrorDescribedBoundField(BoundField):
    """Django links a field's error list to its input (aria-describedby), except for a group of radios or checkboxes
    (the link sits on the group's fieldset only) and for a widget with its own aria-describedby; here every invalid
    input also points at its error list, so a screen reader reads the error on reaching the input."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if attrs.get("aria-invalid") and self.auto_id:
            own = attrs.get("aria-describedby") or (widget or self.field.widget).attrs.get("aria-describedby") or ""
            described_by = own.split()
            error_id = f"{self.auto_id}_error"
            if error_id not in described_by:
                attrs["aria-describedby"] = " ".join([*described_by, error_id])
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = ErrorDescribedBoundField
