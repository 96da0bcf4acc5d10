from django.urls import path

from . import views

app_name = "exercise"
base = "patients/<int:patient_id>/exercise/"
urlpatterns = [
    path(base, views.week, name="week"),
    path(f"{base}log/", views.entry_add, name="entry-add"),
    path(f"{base}sessions/new/", views.session_add, name="session-add"),
    path(f"{base}sessions/repeat/", views.session_repeat, name="session-repeat"),
    path(f"{base}sessions/<int:session_id>/edit/", views.session_edit, name="session-edit"),
    path(f"{base}sessions/<int:session_id>/delete/", views.session_delete, name="session-delete"),
    path(f"{base}library/", views.library, name="library"),
    path(f"{base}history/", views.history, name="history"),
    path(f"{base}progress/", views.progression, name="progression"),
    path(f"{base}flags/", views.flag_list, name="flag-list"),
]
