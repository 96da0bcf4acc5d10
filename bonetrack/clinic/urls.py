from django.urls import path

from . import views

app_name = "clinic"
urlpatterns = [
    path("clinic/worklist/", views.worklist, name="worklist"),
    path("patients/<int:patient_id>/timeline/", views.timeline, name="timeline"),
    path("patients/<int:patient_id>/notes/add/", views.note_add, name="note-add"),
    path("patients/<int:patient_id>/scan-interval/", views.scan_interval, name="scan-interval"),
]
