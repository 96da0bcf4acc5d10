from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("patients/<int:patient_id>/progress/", views.progress_report, name="report"),
]
