from django.contrib import admin, messages

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import CareTeamMembership


@admin.register(CareTeamMembership)
class CareTeamMembershipAdmin(PatientRecordAdmin):
    list_display = ("patient", "clinician", "assigned_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("patient__user__email", "patient__user__last_name", "clinician__email", "clinician__last_name")
    autocomplete_fields = ("patient", "clinician")
    readonly_fields = ("assigned_by", "assigned_at", "revoked_at", "revoked_by")
    actions = ["restore_access"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Restore access for the selected (revoked) memberships")
    def restore_access(self, request, queryset):
        revoked = list(queryset.filter(revoked_at__isnull=False))
        for membership in revoked:
            membership.restore(by=request.user)
            self.log_change(request, membership, "Restored access.")
        messages.success(request, f"Restored {len(revoked)} membership(s).")
