from django.contrib import admin

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import Food, Portion


class OwnerFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [("usda", "USDA SR28"), ("custom", "A patient's own food")]

    def queryset(self, request, queryset):
        if self.value() == "usda":
            return queryset.reference()
        if self.value() == "custom":
            return queryset.filter(owner__isnull=False)
        return queryset


class PortionInline(admin.TabularInline):
    model = Portion
    extra = 0
    fields = ["seq", "amount", "measure", "gram_weight"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Food)
class FoodAdmin(PatientRecordAdmin):
    """Foods, to look up: USDA rows are reloaded from the SR28 file by `load_reference_data` (an edit here would not
    last), and a patient's own foods are theirs to change on their My foods page. Showing a patient's food is logged.
    """

    patient_lookup = "owner"
    list_display = ["description", "food_group", "ndb_no", "owner", "calcium_mg", "vitamin_d_iu_source", "common"]
    list_filter = [OwnerFilter, "common", "high_oxalate", "high_phytate", "food_group"]
    list_select_related = ["owner__user"]
    search_fields = ["description", "ndb_no"]
    show_full_result_count = False
    inlines = [PortionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
