from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.timezones import local_today

from .registry import collect_panels


@require_GET
@patient_view
def patient_dashboard(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """One patient's overview: each app contributes a panel."""
    today = local_today(patient.user)
    return TemplateResponse(
        request,
        "dashboard/patient_dashboard.html",
        {"patient": patient, "today": today, "panels": collect_panels(request, patient, today)},
    )
