from django.urls import path

from . import views

app_name = "nutrition"
base = "patients/<int:patient_id>/nutrition/"
urlpatterns = [
    path(base, views.day_view, name="day"),
    path(base + "search/", views.food_search, name="food-search"),
    path(base + "items/add/", views.item_add, name="item-add"),
    path(base + "items/<int:item_id>/edit/", views.item_edit, name="item-edit"),
    path(base + "items/<int:item_id>/delete/", views.item_delete, name="item-delete"),
    path(base + "favourites/<int:food_id>/", views.favourite_toggle, name="favourite-toggle"),
    path(base + "copy/", views.day_copy, name="day-copy"),
    path(base + "foods/", views.custom_food_list, name="custom-food-list"),
    path(base + "foods/<int:food_id>/delete/", views.custom_food_delete, name="custom-food-delete"),
    path(base + "supplements/", views.supplement_list, name="supplement-list"),
    path(base + "supplements/<int:supplement_id>/stop/", views.supplement_stop, name="supplement-stop"),
    path(base + "supplements/<int:supplement_id>/tick/", views.supplement_tick, name="supplement-tick"),
    path(base + "targets/", views.targets_view, name="targets"),
    path(base + "trends/", views.trends, name="trends"),
]
