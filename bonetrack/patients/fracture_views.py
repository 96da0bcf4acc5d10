"""Correcting a fracture in the patient's history; patients may not change what their care team recorded."""

import copy

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import CARE_TEAM_ENTRY_MESSAGE, may_change_entry, patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.timezones import local_today

from . import services
from .forms import FractureForm


@require_http_methods(["GET", "POST"])
@patient_view
def fracture_edit(request: HtmxHttpRequest, patient: PatientProfile, fracture_id: int) -> HttpResponse:
    """Correct a fracture; the next scan date follows, as when one is recorded or deleted."""
    fracture = get_object_or_404(patient.fractures.select_related("recorded_by"), pk=fracture_id)
    if not may_change_entry(request.user, entered_by=fracture.recorded_by):
        context = {"patient": patient, "fracture": fracture, "refusal": CARE_TEAM_ENTRY_MESSAGE}
        return TemplateResponse(request, "patients/fracture_edit.html", context, status=403)
    # The form works on a copy, so that the page's heading names the fracture as saved, not as just typed.
    form = FractureForm(request.POST or None, instance=copy.copy(fracture), patient=patient, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():
        saved = services.fracture_update(fracture=form.save(commit=False))
        messages.success(request, f"Saved: {saved}.")
        return redirect("patients:fracture-list", patient_id=patient.pk)
    status = 422 if form.errors else 200
    context = {"patient": patient, "fracture": fracture, "form": form}
    return TemplateResponse(request, "patients/fracture_edit.html", context, status=status)
