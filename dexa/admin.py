from django.contrib import admin, messages

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import DexaScan, Facility, ScanRevision, SiteMeasurement
from .reports import erase_scan_reports
from .services import refresh_next_scan_due


def refresh_patients_of(facility: Facility) -> None:
    """A facility's LSC decides the stored change of every scan done there."""
    for patient in PatientProfile.objects.filter(dexa_scans__facility=facility).distinct():
        refresh_next_scan_due(patient)


class ApprovalFilter(admin.SimpleListFilter):
    title = "approval"
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for approval (one patient's)"), ("shared", "Shared with everyone")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_approval()
        if self.value() == "shared":
            return queryset.shared()
        return queryset


@admin.register(Facility)
class FacilityAdmin(PatientRecordAdmin):
    """Facilities typed in a patient's record belong to it (and are logged as its data) until approved here."""

    patient_lookup = "owner"
    list_display = ["name", "owner", "lsc_lumbar_spine", "lsc_total_hip", "lsc_femoral_neck", "lsc_radius_33"]
    list_editable = ["lsc_lumbar_spine", "lsc_total_hip", "lsc_femoral_neck", "lsc_radius_33"]
    list_filter = [ApprovalFilter]
    list_select_related = ["owner__user"]
    search_fields = ["name"]
    readonly_fields = ["owner"]
    actions = ["approve"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and any(name.startswith("lsc_") for name in form.changed_data):
            refresh_patients_of(obj)

    @admin.action(description="Approve the selected facilities (every patient's form will list them)")
    def approve(self, request, queryset):
        approved, clashes = 0, []
        for facility in queryset.awaiting_approval():
            if not facility.can_be_shared():
                clashes.append(facility.name)
                continue
            self.log_change(request, facility, "Approved for everyone.")  # logged while it still names its patient
            facility.approve()
            approved += 1
        messages.success(request, f"Approved {approved} facilit{'y' if approved == 1 else 'ies'}.")
        if clashes:
            messages.warning(request, f"A shared facility already has the name of: {', '.join(clashes)}. Rename these first.")


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
class DexaScanAdmin(PatientRecordAdmin):
    list_display = ["patient", "scanned_on", "facility", "make", "source", "category", "diagnosis", "verified_at"]
    list_filter = ["make", "source", "category"]
    list_select_related = ["patient__user", "facility"]
    search_fields = ["patient__user__email", "patient__user__last_name", "facility__name"]
    raw_id_fields = ["patient", "entered_by", "verified_by"]
    readonly_fields = [
        "category",
        "diagnosis",
        "diagnosis_reason",
        "lowest_t_score",
        "lowest_t_site",
        "change_status",
        "improvement",
        "goal_status",
    ]
    inlines = [SiteMeasurementInline, ScanRevisionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_next_scan_due(form.instance.patient)

    def delete_model(self, request, obj):
        patient = obj.patient
        erase_scan_reports(obj)
        super().delete_model(request, obj)
        refresh_next_scan_due(patient)

    def delete_queryset(self, request, queryset):
        # "Delete selected scans": every patient who lost a scan gets a new next scan date.
        patients = list(PatientProfile.objects.filter(dexa_scans__in=queryset).distinct())
        erase_scan_reports(queryset)
        super().delete_queryset(request, queryset)
        for patient in patients:
            refresh_next_scan_due(patient)
