from django.urls import path

from . import views

app_name = "dexa"
urlpatterns = [
    path("patients/<int:patient_id>/scans/", views.scan_list, name="scan-list"),
    path("patients/<int:patient_id>/scans/add/", views.scan_add, name="scan-add"),
    path("patients/<int:patient_id>/scans/import/", views.scan_import, name="scan-import"),
    path("patients/<int:patient_id>/scans/import/preview/", views.scan_import_preview, name="scan-import-preview"),
    path("patients/<int:patient_id>/scans/<int:scan_id>/", views.scan_detail, name="scan-detail"),
    path("patients/<int:patient_id>/scans/<int:scan_id>/edit/", views.scan_edit, name="scan-edit"),
    path("patients/<int:patient_id>/scans/<int:scan_id>/delete/", views.scan_delete, name="scan-delete"),
    path("patients/<int:patient_id>/scans/<int:scan_id>/verify/", views.scan_verify, name="scan-verify"),
]
