"""The patient's details and fractures in the Django admin: a change there moves the next scan date like the pages do."""

from django.contrib import admin

from bonetrack.accounts.models import Fracture, PatientProfile
from bonetrack.audit.patient_admin import PatientRecordAdmin
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
        # After the fracture rows: risk factors, medication and fragility fractures all move the next scan date.
        patient = form.instance
        if "scan_interval_months" in form.changed_data:
            scan_interval_set(patient=patient, months=patient.scan_interval_months, by=request.user)
        else:
            refresh_next_scan_due(patient)
