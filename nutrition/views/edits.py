"""Correcting a line of the supplement plan, or one of the patient's own foods. Days already logged keep their amounts."""

import copy

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest

from ..forms import CustomFoodEditForm, SupplementForm


@require_http_methods(["GET", "POST"])
@patient_view
def supplement_edit(request: HtmxHttpRequest, patient: PatientProfile, supplement_id: int) -> HttpResponse:
    """Correct what a supplement is, how much a tablet holds, how many a dose and how often; future ticks use it."""
    supplement = get_object_or_404(patient.supplements.active(), pk=supplement_id)
    # The form works on a copy, so that the page's heading names the line as saved, not as just typed.
    form = SupplementForm(request.POST or None, instance=copy.copy(supplement))
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        changed.save_changes()
        messages.success(request, f"Plan changed: {changed}. Days already ticked keep their amounts.")
        return redirect("nutrition:supplement-list", patient_id=patient.pk)
    context = {"patient": patient, "supplement": supplement, "form": form}
    return TemplateResponse(request, "nutrition/supplement_edit.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@patient_view
def custom_food_edit(request: HtmxHttpRequest, patient: PatientProfile, food_id: int) -> HttpResponse:
    """Correct a food of the patient's own; what was logged before keeps its amounts, new logs use the new values."""
    food = get_object_or_404(patient.custom_foods.prefetch_related("portions"), pk=food_id)
    form = CustomFoodEditForm(request.POST or None, food=food)
    if request.method == "POST" and form.is_valid():
        food.update_custom(**form.custom_food())
        messages.success(request, f"Saved {food.description}. Days you logged it before keep their amounts.")
        return redirect("nutrition:custom-food-list", patient_id=patient.pk)
    context = {"patient": patient, "food": food, "form": form}
    return TemplateResponse(request, "nutrition/custom_food_edit.html", context, status=422 if form.errors else 200)
