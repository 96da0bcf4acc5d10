"""The drug catalogue and the dose log in the admin. Courses are registered by bonetrack.patients, which sits
above the DEXA app: a course changed there moves the next scan date (R5) like the medication pages do."""

from django.contrib import admin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import Dose, Drug, Regimen


class RegimenInline(admin.TabularInline):
    model = Regimen
    extra = 0
    fields = ("slug", "route", "schedule", "dose_label", "clinic_given", "position")


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "drug_class",
        "family",
        "max_doses",
        "lifetime_group",
        "review_after_years_oral",
        "review_after_years_iv",
    )
    list_filter = ("drug_class", "family")
    search_fields = ("name", "slug")
    inlines = [RegimenInline]


@admin.register(Regimen)
class RegimenAdmin(admin.ModelAdmin):
    list_display = ("__str__", "route", "schedule", "clinic_given")
    list_filter = ("route", "schedule", "clinic_given", "drug")
    list_select_related = ("drug",)
    search_fields = ("slug", "dose_label", "drug__name")


@admin.register(Dose)
class DoseAdmin(PatientRecordAdmin):
    patient_lookup = "course__patient"
    list_display = ("course", "on", "status", "recorded_by")
    list_filter = ("status",)
    list_select_related = ("course__regimen__drug",)
    search_fields = ("course__patient__user__last_name", "course__patient__user__email")
    date_hierarchy = "on"
    raw_id_fields = ("course", "recorded_by")
    readonly_fields = ("created_at",)
