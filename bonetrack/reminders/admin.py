from django.contrib import admin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import ClinicianDigest, DoseLateNotice, Notification, NotificationPreference, Reminder, ReminderDueDate


@admin.register(Reminder)
class ReminderAdmin(PatientRecordAdmin):
    list_display = [
        "patient",
        "kind",
        "due_on",
        "stage",
        "catch_up",
        "send_at",
        "email_status",
        "email_attempts",
        "email_sent_at",
        "created_at",
    ]
    list_filter = ["kind", "stage", "catch_up", "email_status"]
    search_fields = ["patient__user__email"]
    date_hierarchy = "created_at"
    raw_id_fields = ["patient", "course"]
    readonly_fields = ["batch", "created_at"]


@admin.register(DoseLateNotice)
class DoseLateNoticeAdmin(PatientRecordAdmin):
    patient_lookup = "course__patient"
    list_display = ["course", "due_on", "created_at"]
    raw_id_fields = ["course"]
    readonly_fields = ["batch", "created_at"]


@admin.register(ClinicianDigest)
class ClinicianDigestAdmin(admin.ModelAdmin):
    list_display = ["clinician", "day", "email_status", "email_attempts", "email_sent_at"]
    list_filter = ["email_status"]
    raw_id_fields = ["clinician"]
    readonly_fields = ["batch", "created_at"]


@admin.register(Notification)
class NotificationAdmin(PatientRecordAdmin):
    patient_lookup = "recipient__patient_profile"
    list_display = ["recipient", "title", "created_at", "read_at", "withdrawn_at"]
    search_fields = ["recipient__email", "title"]
    raw_id_fields = ["recipient", "reminder", "digest"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(PatientRecordAdmin):
    patient_lookup = "user__patient_profile"
    list_display = ["user", "email", "in_app", "dose_in_app", "dose_email", "dose_time", "email_stopped_at", "updated_at"]
    list_filter = ["email", "in_app"]
    raw_id_fields = ["user"]


@admin.register(ReminderDueDate)
class ReminderDueDateAdmin(PatientRecordAdmin):
    list_display = ["patient", "kind", "course", "due_on", "known_since"]
    list_filter = ["kind"]
    search_fields = ["patient__user__email"]
    raw_id_fields = ["patient", "course"]
