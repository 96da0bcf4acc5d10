from django.contrib import admin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import FraxResult


@admin.register(FraxResult)
class FraxResultAdmin(PatientRecordAdmin):
    list_display = ["patient", "assessed_on", "major_percent", "hip_percent", "with_bmd", "recorded_by"]
    list_filter = ["with_bmd"]
    search_fields = ["patient__user__last_name", "patient__user__email"]
    date_hierarchy = "assessed_on"
    raw_id_fields = ["patient", "recorded_by"]
    readonly_fields = ["created_at"]
