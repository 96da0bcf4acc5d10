"""The medication pages: their own namespace, so that the "Medication" tab (not "Profile") is the current one."""

from django.urls import include, path

from . import medications as views

app_name = "medications"
urlpatterns = [
    path(
        "patients/<int:patient_id>/medications/",
        include(
            [
                path("", views.course_list, name="course-list"),
                path("<int:course_id>/", views.course_detail, name="course-detail"),
                path("<int:course_id>/edit/", views.course_edit, name="course-edit"),
                path("<int:course_id>/stop/", views.course_stop, name="course-stop"),
                path("<int:course_id>/delete/", views.course_delete, name="course-delete"),
                path("<int:course_id>/doses/today/", views.dose_tick, name="dose-tick"),
                path("<int:course_id>/doses/<int:dose_id>/delete/", views.dose_delete, name="dose-delete"),
            ]
        ),
    ),
]
