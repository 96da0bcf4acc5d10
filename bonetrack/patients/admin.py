"""The patient's details and fractures in the Django admin: a change there moves the next scan date like the pages do."""

from django.contrib import admin

from bonetrack.accounts.models import Fracture, PatientProfile
from bonetrack.audit.patient_admin import PatientRecordAdmin
from bonetrack.treatment.models import Course, Dose
from dexa.services import refresh_next_scan_due, scan_interval_set


class FractureInline(admin.TabularInline):
    model = Fracture
    extra = 0
    fields = ("site", "occurred_on", "fragility", "notes")


@admin.register(PatientProfile)
class PatientProfileAdmin(PatientRecordAdmin):
    patient_lookup = "pk"
    list_display = ("user", "date_of_birth", "sex", "menopausal_status", "next_scan_due_on")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    # Derived from the scans (`dexa.services.refresh_next_scan_due`), and who set the interval: never typed in.
    readonly_fields = ("scan_interval_set_by", "next_scan_due_on", "next_scan_due_rule")
    inlines = [FractureInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the fracture rows: risk factors and fragility fractures move the next scan date.
        patient = form.instance
        if "scan_interval_months" in form.changed_data:
            scan_interval_set(patient=patient, months=patient.scan_interval_months, by=request.user)
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
