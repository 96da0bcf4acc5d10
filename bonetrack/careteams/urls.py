from django.urls import path

from . import views

app_name = "careteams"
urlpatterns = [
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/<int:patient_id>/care-team/", views.care_team, name="care-team"),
    path("patients/<int:patient_id>/care-team/<int:membership_id>/revoke/", views.revoke, name="revoke"),
]
