from django.urls import include, path

from . import views

app_name = "dexa"
urlpatterns = [
    path(
        "patients/<int:patient_id>/scans/",
        include(
            [
                path("", views.scan_list, name="scan-list"),
                path("add/", views.scan_add, name="scan-add"),
                path("import/", views.scan_import, name="scan-import"),
                path("import/preview/", views.scan_import_preview, name="scan-import-preview"),
                path("<int:scan_id>/", views.scan_detail, name="scan-detail"),
                path("<int:scan_id>/edit/", views.scan_edit, name="scan-edit"),
                path("<int:scan_id>/delete/", views.scan_delete, name="scan-delete"),
                path("<int:scan_id>/verify/", views.scan_verify, name="scan-verify"),
            ]
        ),
    ),
]
