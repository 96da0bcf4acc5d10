"""The patient's details, fractures and falls in the Django admin: a change there moves the next scan date like the pages do."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from bonetrack.accounts.models import Fall, Fracture, PatientProfile
from bonetrack.audit.models import AccessAction
from bonetrack.audit.patient_admin import PatientRecordAdmin
from bonetrack.treatment.models import Course, Dose
from dexa.services import refresh_next_scan_due, scan_interval_set

from .deletion import delete_patient_account


class FractureInline(admin.TabularInline):
    model = Fracture
    extra = 0
    fields = ("site", "occurred_on", "fragility", "on_glucocorticoids", "notes")


class FallInline(admin.TabularInline):
    """The falls log (R15); a fall that broke a bone must be marked as an injury too (a database constraint)."""

    model = Fall
    extra = 0
    fields = ("occurred_on", "injury", "fracture", "notes")


@admin.register(PatientProfile)
class PatientProfileAdmin(PatientRecordAdmin):
    patient_lookup = "pk"
    list_display = ("user", "date_of_birth", "sex", "menopausal_status", "next_scan_due_on")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    # Derived from the scans (`dexa.services.refresh_next_scan_due`), and who set the interval: never typed in.
    readonly_fields = ("scan_interval_set_by", "next_scan_due_on", "next_scan_due_rule")
    inlines = [FractureInline, FallInline]
    actions = ["delete_patient_accounts"]

    def has_delete_permission(self, request, obj=None):
        # Deleting only the profile would leave the person's sign-in and access log naming them: the action below
        # deletes the whole account instead, as the patient's own page does.
        return False

    def has_account_delete_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_admin

    @admin.action(permissions=["account_delete"], description="Delete the accounts and erase all records (on request)")
    def delete_patient_accounts(self, request, queryset):
        """On the patient's request: the same erasure as their own page, after a confirmation page listing them."""
        patients = list(queryset.select_related("user").order_by("user__last_name", "user__first_name", "pk"))
        if request.POST.get("post") != "yes":
            self.record(request, patients, AccessAction.VIEW, "list")
            context = {
                **self.admin_site.each_context(request),
                "title": "Delete patient accounts",
                "opts": self.model._meta,
                "patients": patients,
                "action_name": "delete_patient_accounts",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/patients/account_delete_confirmation.html", context)
        refs = [delete_patient_account(patient=patient, by=request.user) for patient in patients]
        self.message_user(
            request, f"Deleted {len(refs)} account(s); the access log keeps them as {', '.join(refs)}.", messages.SUCCESS
        )
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the fracture rows: risk factors and fragility fractures move the next scan date.
        patient = form.instance
        if "scan_interval_months" in form.changed_data:
            previous = form.initial.get("scan_interval_months")
            scan_interval_set(patient=patient, months=patient.scan_interval_months, by=request.user, previous=previous)
        else:
            refresh_next_scan_due(patient)


class DoseInline(admin.TabularInline):
    model = Dose
    extra = 0
    fields = ("on", "status", "site", "lot", "recorded_by")
    raw_id_fields = ("recorded_by",)


@admin.register(Course)
class CourseAdmin(PatientRecordAdmin):
    """Medication courses (bonetrack.treatment); each change moves the next scan date (R5 reads the courses)."""

    list_display = ("patient", "regimen", "started_on", "ended_on", "stop_reason")
    list_filter = ("stop_reason", "regimen__drug")
    list_select_related = ("patient__user", "regimen__drug")
    search_fields = ("patient__user__last_name", "patient__user__email")
    date_hierarchy = "started_on"
    raw_id_fields = ("patient", "created_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [DoseInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_next_scan_due(obj.patient)

    def delete_model(self, request, obj):
        patient = obj.patient
        super().delete_model(request, obj)
        refresh_next_scan_due(patient)

    def delete_queryset(self, request, queryset):
        patients = list(PatientProfile.objects.filter(pk__in=queryset.values("patient_id")))
        super().delete_queryset(request, queryset)
        for patient in patients:
            refresh_next_scan_due(patient)
