from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("patients/<int:patient_id>/", views.patient_dashboard, name="patient-dashboard"),
]
