from django.urls import include, path

from . import views

app_name = "patients"
urlpatterns = [
    path(
        "patients/<int:patient_id>/",
        include(
            [
                path("profile/", views.profile_edit, name="profile"),
                path("fractures/", views.fracture_list, name="fracture-list"),
                path("fractures/<int:fracture_id>/delete/", views.fracture_delete, name="fracture-delete"),
            ]
        ),
    ),
]
