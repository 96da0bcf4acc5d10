"""The dashboard card: the R14 flags and every reason in plain words; with nothing to say, a short link to the fracture
risk page (and no card at all for a record with no scan, FRAX result or fracture yet: the dashboard's welcome shows)."""

from django.urls import reverse

from .assessment import assess


def dashboard_panel(request, patient, today) -> dict | None:
    assessment = assess(patient, today)
    if not assessment.flagged and assessment.scan is None and assessment.frax is None and not assessment.fractures:
        return None
    return {
        "template": "risk/_dashboard_panel.html",
        "assessment": assessment,
        "url": reverse("risk:frax", kwargs={"patient_id": patient.pk}),
    }
