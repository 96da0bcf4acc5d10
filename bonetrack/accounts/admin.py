from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bonetrack.core.timezones import UTC, TimeZoneField

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        # No password here: people set their own (staff from an invitation, patients at sign-up).
        (None, {"fields": ("email",)}),
        ("Person", {"fields": ("first_name", "last_name", "role", "time_zone", "date_format")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "role", "time_zone")}),)
    readonly_fields = ("last_login", "date_joined")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The same canonical zones as every other form (the model still accepts any zone, so older rows save).
        if db_field.name == "time_zone":
            return TimeZoneField(initial=UTC, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Admins run the Django admin; nobody else may.
        obj.is_staff = obj.is_superuser = obj.is_admin
        super().save_model(request, obj, form, change)

