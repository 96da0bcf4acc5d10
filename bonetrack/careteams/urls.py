from django.urls import include, path

from . import views

app_name = "careteams"
urlpatterns = [
    path("patients/", views.patient_list, name="patient-list"),
    path(
        "patients/<int:patient_id>/",
        include(
            [
                path("care-team/", views.care_team, name="care-team"),
                path("care-team/<int:membership_id>/revoke/", views.revoke, name="revoke"),
                path("access-log/", views.access_log, name="access-log"),
            ]
        ),
    ),
]
