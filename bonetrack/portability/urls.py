from django.urls import include, path

from . import export_views, summary_views, views

app_name = "portability"
urlpatterns = [
    path(
        "patients/<int:patient_id>/fhir/",
        include(
            [
                path("", views.fhir_page, name="fhir"),
                path("bundle.json", views.fhir_bundle, name="fhir-bundle"),
                path("import/preview/", views.fhir_import_preview, name="fhir-import-preview"),
                path("import/", views.fhir_import, name="fhir-import"),
            ]
        ),
    ),
    path(
        "patients/<int:patient_id>/export/",
        include(
            [
                path("", export_views.export_page, name="export"),
                path("<int:job_id>/status/", export_views.export_status, name="export-status"),
                path("<int:job_id>/download/", export_views.export_download, name="export-download"),
            ]
        ),
    ),
    path("patients/<int:patient_id>/summary/", summary_views.visit_summary, name="summary"),
    path("patients/<int:patient_id>/summary.pdf", summary_views.visit_summary_pdf, name="summary-pdf"),
]
