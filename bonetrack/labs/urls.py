from django.urls import include, path

from . import views

app_name = "labs"
urlpatterns = [
    path(
        "patients/<int:patient_id>/labs/",
        include(
            [
                path("", views.lab_list, name="lab-list"),
                path("<int:lab_id>/delete/", views.lab_delete, name="lab-delete"),
            ]
        ),
    ),
]
