from django.contrib import admin

from bonetrack.accounts.models import PatientProfile

from .models import DexaScan, Facility, ScanRevision, SiteMeasurement
from .services import refresh_next_scan_due


def refresh_patients_of(facility: Facility) -> None:
    """A facility's LSC decides the stored change of every scan done there."""
    for patient in PatientProfile.objects.filter(dexa_scans__facility=facility).distinct():
        refresh_next_scan_due(patient)


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "lsc_lumbar_spine", "lsc_total_hip", "lsc_femoral_neck", "lsc_radius_33"]
    list_editable = ["lsc_lumbar_spine", "lsc_total_hip", "lsc_femoral_neck", "lsc_radius_33"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and any(name.startswith("lsc_") for name in form.changed_data):
            refresh_patients_of(obj)


class SiteMeasurementInline(admin.TabularInline):
    model = SiteMeasurement
    extra = 0


class ScanRevisionInline(admin.TabularInline):
    model = ScanRevision
    extra = 0
    can_delete = False
    readonly_fields = ["changed_by", "changed_at", "action", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DexaScan)
class DexaScanAdmin(admin.ModelAdmin):
    list_display = ["patient", "scanned_on", "facility", "make", "source", "category", "diagnosis", "verified_at"]
    list_filter = ["make", "source", "category"]
    list_select_related = ["patient__user", "facility"]
    search_fields = ["patient__user__email", "patient__user__last_name", "facility__name"]
    raw_id_fields = ["patient", "entered_by", "verified_by"]
    readonly_fields = ["category", "diagnosis", "lowest_t_score", "lowest_t_site", "change_status", "improvement"]
    inlines = [SiteMeasurementInline, ScanRevisionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_next_scan_due(form.instance.patient)

    def delete_model(self, request, obj):
        patient = obj.patient
        super().delete_model(request, obj)
        refresh_next_scan_due(patient)
