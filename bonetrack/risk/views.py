from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today

from . import services
from .assessment import assess
from .forms import FraxResultForm
from .frax_inputs import FRAX_CALCULATOR_URL, frax_inputs


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def frax(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Fracture risk: the R14 flags with their reasons, the FRAX results recorded, and a form to record one."""
    today = local_today(patient.user)
    form = FraxResultForm(request.POST or None, patient=patient, today=today)
    if request.method == "POST" and form.is_valid():
        consume_form_token(request)
        result = services.frax_record(patient=patient, result=form.save(commit=False), by=request.user)
        messages.success(request, f"Recorded: {result}.")
        return redirect("risk:frax", patient_id=patient.pk)
    assessment = assess(patient, today)
    context = {
        "patient": patient,
        "form": form,
        "results": patient.frax_results.all(),
        "assessment": assessment,
        "inputs": frax_inputs(patient, assessment, today),
        "calculator_url": FRAX_CALCULATOR_URL,
        "care_team": request.user.is_care_team,
    }
    return TemplateResponse(request, "risk/frax.html", context, status=422 if form.errors else 200)


@require_POST
@patient_view
def frax_delete(request: HtmxHttpRequest, patient: PatientProfile, result_id: int) -> HttpResponse:
    result = get_object_or_404(patient.frax_results, pk=result_id)
    services.frax_delete(result=result)
    messages.success(request, f"Deleted: {result}.")
    return redirect("risk:frax", patient_id=patient.pk)
