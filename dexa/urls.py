from django.urls import include, path

from . import reading_views, report_views, views

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
                path("read/", reading_views.report_read, name="scan-read"),
                path("read/<int:reading_id>/", reading_views.reading_page, name="scan-reading"),
                path("read/<int:reading_id>/status/", reading_views.reading_status, name="scan-reading-status"),
                path("read/<int:reading_id>/check/", views.scan_from_report, name="scan-from-report"),
                path("<int:scan_id>/", views.scan_detail, name="scan-detail"),
                path("<int:scan_id>/edit/", views.scan_edit, name="scan-edit"),
                path("<int:scan_id>/delete/", views.scan_delete, name="scan-delete"),
                path("<int:scan_id>/verify/", views.scan_verify, name="scan-verify"),
                path("<int:scan_id>/report/", report_views.report_add, name="report-add"),
                path("reports/<int:report_id>/", report_views.report_download, name="report-download"),
                path("reports/<int:report_id>/delete/", report_views.report_delete, name="report-delete"),
            ]
        ),
    ),
]
