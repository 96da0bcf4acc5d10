from django.contrib import admin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import LabResult


@admin.register(LabResult)
class LabResultAdmin(PatientRecordAdmin):
    list_display = ["patient", "test", "value", "entered_value", "entered_unit", "taken_on", "entered_by"]
    list_filter = ["test", "entered_unit"]
    search_fields = ["patient__user__last_name", "patient__user__email"]
    date_hierarchy = "taken_on"
    raw_id_fields = ["patient", "entered_by"]
    readonly_fields = ["created_at"]
