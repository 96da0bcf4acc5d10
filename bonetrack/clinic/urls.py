from django.urls import include, path

from . import note_views, views

app_name = "clinic"
urlpatterns = [
    path("clinic/worklist/", views.worklist, name="worklist"),
    path("clinic/worklist.csv", views.worklist_csv, name="worklist-csv"),
    path(
        "patients/<int:patient_id>/",
        include(
            [
                path("timeline/", views.timeline, name="timeline"),
                path("notes/add/", views.note_add, name="note-add"),
                path("notes/<int:note_id>/edit/", note_views.note_edit, name="note-edit"),
                path("scan-interval/", views.scan_interval, name="scan-interval"),
                path("goal/", views.goal, name="goal"),
            ]
        ),
    ),
]
