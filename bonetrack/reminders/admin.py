from django.contrib import admin

from .models import ClinicianDigest, Notification, NotificationPreference, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "patient",
        "kind",
        "due_on",
        "stage",
        "send_at",
        "email_status",
        "email_attempts",
        "email_sent_at",
        "created_at",
    ]
    list_filter = ["kind", "stage", "email_status"]
    search_fields = ["patient__user__email"]
    date_hierarchy = "created_at"
    raw_id_fields = ["patient"]
    readonly_fields = ["batch", "created_at"]


@admin.register(ClinicianDigest)
class ClinicianDigestAdmin(admin.ModelAdmin):
    list_display = ["clinician", "day", "email_status", "email_attempts", "email_sent_at"]
    list_filter = ["email_status"]
    raw_id_fields = ["clinician"]
    readonly_fields = ["batch", "created_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "title", "created_at", "read_at"]
    search_fields = ["recipient__email", "title"]
    raw_id_fields = ["recipient", "reminder", "digest"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "in_app", "email_stopped_at", "updated_at"]
    list_filter = ["email", "in_app"]
    raw_id_fields = ["user"]
