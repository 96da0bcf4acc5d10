from django.urls import include, path

from . import edit_views, views

app_name = "labs"
urlpatterns = [
    path(
        "patients/<int:patient_id>/labs/",
        include(
            [
                path("", views.lab_list, name="lab-list"),
                path("<int:lab_id>/edit/", edit_views.lab_edit, name="lab-edit"),
                path("<int:lab_id>/delete/", views.lab_delete, name="lab-delete"),
                path("deleted/<int:deleted_id>/undo/", views.lab_undo, name="lab-undo"),
            ]
        ),
    ),
]
