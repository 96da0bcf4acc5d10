from django.contrib import admin

from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log, read-only: no add, change or delete, for anyone."""

    list_display = ("at", "actor_or_ref", "patient_or_ref", "action", "method", "path", "ip")
    list_filter = (
        "action",
        ("at", admin.DateFieldListFilter),
        "actor__role",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("patient", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "actor__email",
        "actor__last_name",
        "actor_ref",
        "patient__user__email",
        "patient__user__last_name",
        "patient_ref",
        "path",
        "ip",
    )
    date_hierarchy = "at"
    list_select_related = ("actor", "patient__user")
    fields = ("at", "actor", "actor_ref", "patient", "patient_ref", "action", "method", "path", "ip", "user_agent", "summary")
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="actor", ordering="actor")
    def actor_or_ref(self, obj: AccessEvent) -> str:
        """The actor, or the pseudonym of a deleted account."""
        return obj.actor_label

    @admin.display(description="patient", ordering="patient")
    def patient_or_ref(self, obj: AccessEvent) -> str:
        """The patient, or the pseudonym of a deleted account."""
        return obj.patient_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
