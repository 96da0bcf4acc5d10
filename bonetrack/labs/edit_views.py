"""Correcting a lab result: the same checks as adding one; patients may not change what their care team entered."""

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

from . import rules, services
from .forms import LabResultForm
from .models import LabResult


def _range_initial(result: LabResult) -> dict:
    """The stored lab range (mg/dL) in the unit the result was entered in, as the form takes it."""
    if not result.uses_lab_range:
        return {}
    factor = rules.FACTORS[result.entered_unit]
    return {name: rules.format_number(round(getattr(result, name) * factor, 2)) for name in ("range_low", "range_high")}


@require_http_methods(["GET", "POST"])
@patient_view
def lab_edit(request: HtmxHttpRequest, patient: PatientProfile, lab_id: int) -> HttpResponse:
    """Correct a result; the value in ng/mL or mg/dL is worked out again from the value and unit entered."""
    result = get_object_or_404(LabResult.objects.for_patient(patient).select_related("entered_by"), pk=lab_id)
    if not may_change_entry(request.user, entered_by=result.entered_by):
        context = {"patient": patient, "result": result, "refusal": CARE_TEAM_ENTRY_MESSAGE}
        return TemplateResponse(request, "labs/lab_edit.html", context, status=403)
    # The form works on a copy, so that the page's heading names the result as saved, not as just typed.
    form = LabResultForm(
        request.POST or None,
        instance=copy.copy(result),
        initial=_range_initial(result),
        patient=patient,
        today=local_today(patient.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = services.lab_result_update(result=form.save(commit=False))
        messages.success(request, f"Saved: {saved}.")
        return redirect("labs:lab-list", patient_id=patient.pk)
    status = 422 if form.errors else 200
    return TemplateResponse(request, "labs/lab_edit.html", {"patient": patient, "result": result, "form": form}, status=status)
