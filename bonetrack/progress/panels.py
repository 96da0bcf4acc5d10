"""Dashboard panel: a link to the progress report (no query; the dashboard's query budget is already spent)."""

from django.urls import reverse


def dashboard_panel(request, patient, today) -> dict:
    return {"template": "progress/_dashboard_panel.html", "url": reverse("progress:report", kwargs={"patient_id": patient.pk})}
