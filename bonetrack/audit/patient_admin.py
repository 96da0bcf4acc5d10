"""The Django admin's pages of patient data write the access log, like the app's own views (`patient_view`).

- a list of rows: one view per patient whose rows are shown, in one INSERT;
- an object's change, history or delete-confirmation page: a view of its patient;
- an addition, change or deletion that the admin saved: a create, change or delete, when it happens.
"""

from collections.abc import Iterable

from django.contrib import admin
from django.db.models import Model
from django.template.response import TemplateResponse

from .models import AccessAction
from .recording import record_access_many


class PatientRecordAdmin(admin.ModelAdmin):
    """A ModelAdmin for rows that belong to a patient's record; `patient_lookup` leads from a row to its patient.

    `patient_lookup` is an ORM path to the PatientProfile ("patient", "owner", "recipient__patient_profile"), or
    "pk" for the PatientProfile itself. Rows that belong to nobody (a shared facility, a USDA food) are not logged.
    """

    patient_lookup = "patient"

    # Which patients -------------------------------------------------------------------------------------------

    def patient_ids_of(self, objs: Iterable[Model]) -> set[int]:
        """The patients of these rows: read from the loaded rows when the lookup is a plain foreign key."""
        objs = list(objs)
        if not objs:
            return set()
        if self.patient_lookup == "pk":
            return {obj.pk for obj in objs}
        if "__" not in self.patient_lookup:
            attname = self.model._meta.get_field(self.patient_lookup).attname
            return {getattr(obj, attname) for obj in objs} - {None}
        rows = self.model._default_manager.filter(pk__in=[obj.pk for obj in objs]).values_list(self.patient_lookup, flat=True)
        return set(rows) - {None}

    def record(self, request, objs: Iterable[Model], action: str, what: str) -> None:
        name = self.model._meta.verbose_name if what != "list" else self.model._meta.verbose_name_plural
        summary = f"Admin: {name}" if what != "list" else f"Admin: list of {name}"
        record_access_many(request, self.patient_ids_of(objs), action=action, summary=summary)

    # Pages that show rows -------------------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if "cl" in context:
            # The page's rows, evaluated here once; the template reuses them.
            self.record(request, context["cl"].result_list, AccessAction.VIEW, "list")
        elif "deletable_objects" in context:
            # An action's confirmation page ("Delete selected"): it lists the selected rows and what hangs off them.
            self.record(request, context["queryset"], AccessAction.VIEW, "list")
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # A form page (first shown, or shown again with its errors); a saved form redirects and is logged below.
        if isinstance(response, TemplateResponse) and response.context_data.get("original") is not None:
            self.record(request, [response.context_data["original"]], AccessAction.VIEW, "object")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data.get("object") is not None:
            self.record(request, [response.context_data["object"]], AccessAction.VIEW, "object")
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data.get("object") is not None:
            self.record(request, [response.context_data["object"]], AccessAction.VIEW, "object")
        return response

    # Changes, when the admin makes them -----------------------------------------------------------------------

    def log_addition(self, request, obj, message):
        self.record(request, [obj], AccessAction.CREATE, "object")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        # The admin logs a save even when no field changed (an empty message): nothing happened to the record.
        if message:
            self.record(request, [obj], AccessAction.CHANGE, "object")
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Called before the rows are deleted, so their patients can still be read.
        self.record(request, queryset, AccessAction.DELETE, "object")
        return super().log_deletions(request, queryset)
