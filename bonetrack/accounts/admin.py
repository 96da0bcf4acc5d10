from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import Fracture, PatientProfile, Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "role", "time_zone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "role", "time_zone", "password1", "password2")},
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        # Admins run the Django admin; nobody else may.
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)


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
    raw_id_fields = ("user", "scan_interval_set_by")
    inlines = [FractureInline]
