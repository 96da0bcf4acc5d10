"""The dashboard card: the patient's open safety prompts (R11) in plain words, shown only when there are any."""

from django.urls import reverse

from .prompting import treatment_of


def dashboard_panel(request, patient, today) -> dict | None:
    prompts = treatment_of(patient, today).prompts
    if not prompts:
        return None
    return {
        "template": "treatment/_dashboard_panel.html",
        "prompts": prompts,
        "url": reverse("medications:course-list", kwargs={"patient_id": patient.pk}),
    }
