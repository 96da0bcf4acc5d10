from django.urls import path

from . import views

app_name = "labs"
urlpatterns = [
    path("patients/<int:patient_id>/labs/", views.lab_list, name="lab-list"),
    path("patients/<int:patient_id>/labs/<int:lab_id>/delete/", views.lab_delete, name="lab-delete"),
]
