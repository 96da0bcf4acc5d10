from django.urls import include, path

from . import views

app_name = "exercise"
patient_urls = [
    path("", views.week, name="week"),
    path("log/", views.entry_add, name="entry-add"),
    path("sessions/new/", views.session_add, name="session-add"),
    path("sessions/repeat/", views.session_repeat, name="session-repeat"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/delete/", views.session_delete, name="session-delete"),
    path("entries/<int:entry_id>/delete/", views.entry_delete, name="entry-delete"),
    path("deleted/<int:deleted_id>/undo/", views.exercise_undo, name="undo"),
    path("library/", views.library, name="library"),
    path("history/", views.history, name="history"),
    path("progress/", views.progression, name="progression"),
    path("flags/", views.flag_list, name="flag-list"),
]
urlpatterns = [path("patients/<int:patient_id>/exercise/", include(patient_urls))]
