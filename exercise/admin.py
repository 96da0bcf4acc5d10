from django.contrib import admin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import Exercise, ExerciseSession, SessionEntry


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "impact", "spinal_flexion_or_twist", "is_active", "position"]
    list_filter = ["category", "impact", "spinal_flexion_or_twist", "is_active"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "how_to"]
    prepopulated_fields = {"slug": ["name"]}


class SessionEntryInline(admin.TabularInline):
    model = SessionEntry
    extra = 0
    autocomplete_fields = ["exercise"]
    readonly_fields = ["flagged", "flag_reasons", "flag_confirmed_by", "flag_confirmed_at"]


@admin.register(ExerciseSession)
class ExerciseSessionAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "created_by"]
    list_filter = ["date"]
    list_select_related = ["patient__user", "created_by"]
    raw_id_fields = ["patient", "created_by"]
    date_hierarchy = "date"
    inlines = [SessionEntryInline]
