"""The targets page: today's targets and where each comes from; the care team may set their own values."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.timezones import local_today

from ..forms import TargetOverrideForm
from ..models import NutrientTargetOverride, TargetNutrient
from ..targets import default_targets, targets_for


@require_http_methods(["GET", "POST"])
@patient_view
def targets_view(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Today's targets and where each comes from; the care team may set their own values."""
    today = local_today(patient.user)
    can_edit = request.user.is_care_team
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    overrides = NutrientTargetOverride.objects.by_nutrient(patient)
    defaults = default_targets(patient.age_on(today), patient.sex, patient.weight_kg)
    form = TargetOverrideForm(request.POST or None, defaults=defaults, overrides=overrides) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        NutrientTargetOverride.objects.set_values(
            patient=patient, values=form.values(), reasons=form.reasons(), by=request.user, current=overrides
        )
        messages.success(request, "Targets saved.")
        return redirect("nutrition:targets", patient_id=patient.pk)
    targets = targets_for(patient, today, {n: (o.value, o.set_by.display_name if o.set_by else "") for n, o in overrides.items()})
    rows = [
        {"label": TargetNutrient(n).label, "target": targets[n], "default": defaults[n], "override": overrides.get(n)}
        for n in defaults
    ]
    return TemplateResponse(
        request,
        "nutrition/targets.html",
        {"patient": patient, "rows": rows, "form": form, "can_edit": can_edit, "today": today},
        status=422 if form is not None and form.errors else 200,
    )
