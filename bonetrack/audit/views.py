from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view

from .models import AccessEvent

PAGE_SIZE = 25


@require_GET
@patient_view
def access_log(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """Who viewed my record: every view or change by someone other than the patient, newest first."""
    events = AccessEvent.objects.for_patient(patient).by_others().select_related("actor").order_by("-at", "-pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "audit/access_log.html", {"patient": patient, "page": page})
