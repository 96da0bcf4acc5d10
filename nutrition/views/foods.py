"""Favourite foods, and the patient's own foods (only they and their care team see them)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form

from ..forms import CustomFoodForm
from ..models import Favourite, Food
from .day import after_change, day_params


@require_POST
@patient_view
@once_per_form
def favourite_toggle(request: HtmxHttpRequest, patient: PatientProfile, food_id: int) -> HttpResponse:
    food = get_object_or_404(Food.objects.visible_to(patient), pk=food_id)
    params = day_params(request, patient)
    consume_form_token(request)  # a toggle clicked twice would undo itself
    favourite = Favourite.objects.toggle(patient=patient, food=food)
    message = f"{food.description} {'added to' if favourite else 'removed from'} favourites."
    return after_change(request, patient, params, message)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def custom_food_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's own foods, and a form to add one."""
    form = CustomFoodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consume_form_token(request)
        food = Food.objects.create_custom(owner=patient, **form.custom_food())
        messages.success(request, f"Saved {food.description}. Search for it to log it.")
        return redirect("nutrition:custom-food-list", patient_id=patient.pk)
    foods = patient.custom_foods.prefetch_related("portions")
    return TemplateResponse(
        request,
        "nutrition/custom_foods.html",
        {"patient": patient, "form": form, "foods": foods},
        status=422 if form.errors else 200,
    )


@require_POST
@patient_view
def custom_food_delete(request: HtmxHttpRequest, patient: PatientProfile, food_id: int) -> HttpResponse:
    food = get_object_or_404(patient.custom_foods.all(), pk=food_id)
    food.delete()
    messages.success(request, f"Deleted {food.description}. Days you logged it keep their amounts.")
    return redirect("nutrition:custom-food-list", patient_id=patient.pk)
