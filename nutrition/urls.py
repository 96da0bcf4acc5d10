from django.urls import include, path

from .views import copying, day, edits, foods, items, search, supplements, targets, trends

app_name = "nutrition"
patient_urls = [
    path("", day.day_view, name="day"),
    path("search/", search.food_search, name="food-search"),
    path("items/add/", items.item_add, name="item-add"),
    path("items/<int:item_id>/edit/", items.item_edit, name="item-edit"),
    path("items/<int:item_id>/delete/", items.item_delete, name="item-delete"),
    path("deleted/<int:deleted_id>/undo/", items.item_undo, name="item-undo"),
    path("favourites/<int:food_id>/", foods.favourite_toggle, name="favourite-toggle"),
    path("copy/", copying.day_copy, name="day-copy"),
    path("foods/", foods.custom_food_list, name="custom-food-list"),
    path("foods/<int:food_id>/edit/", edits.custom_food_edit, name="custom-food-edit"),
    path("foods/<int:food_id>/delete/", foods.custom_food_delete, name="custom-food-delete"),
    path("supplements/", supplements.supplement_list, name="supplement-list"),
    path("supplements/<int:supplement_id>/edit/", edits.supplement_edit, name="supplement-edit"),
    path("supplements/<int:supplement_id>/stop/", supplements.supplement_stop, name="supplement-stop"),
    path("supplements/<int:supplement_id>/tick/", supplements.supplement_tick, name="supplement-tick"),
    path("targets/", targets.targets_view, name="targets"),
    path("trends/", trends.trends, name="trends"),
]
urlpatterns = [path("patients/<int:patient_id>/nutrition/", include(patient_urls))]
