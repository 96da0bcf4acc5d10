"""The food type-ahead on the day page."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial

from ..search import search_foods
from .day import day_params, day_url


@require_GET
@patient_view
def food_search(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The type-ahead's results (htmx partial); without htmx, the day page with the results."""
    params = day_params(request, patient)
    if not wants_partial(request):
        return redirect(day_url(patient, params.day, meal=params.meal, q=params.query))
    results = search_foods(patient, params.query, params.today) if params.query else []
    return TemplateResponse(
        request,
        "nutrition/day.html#search-results",
        {"patient": patient, "day": params.day, "meal": params.meal, "query": params.query, "results": results},
    )
