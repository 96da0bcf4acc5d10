from django.urls import include, path

from . import views

app_name = "dashboard"
urlpatterns = [
    path(
        "patients/<int:patient_id>/",
        include(
            [
                path("", views.patient_dashboard, name="patient-dashboard"),
                path("checklist/", views.checklist, name="checklist"),
                path("time-zone/", views.time_zone, name="time-zone"),
            ]
        ),
    ),
]
