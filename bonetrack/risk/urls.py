from django.urls import include, path

from . import views

app_name = "risk"
urlpatterns = [
    path(
        "patients/<int:patient_id>/fracture-risk/",
        include(
            [
                path("", views.frax, name="frax"),
                path("<int:result_id>/delete/", views.frax_delete, name="frax-delete"),
            ]
        ),
    ),
]
