from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("patients/<int:patient_id>/profile/", views.profile_edit, name="profile"),
    path("patients/<int:patient_id>/fractures/", views.fracture_list, name="fracture-list"),
    path("patients/<int:patient_id>/fractures/<int:fracture_id>/delete/", views.fracture_delete, name="fracture-delete"),
]
