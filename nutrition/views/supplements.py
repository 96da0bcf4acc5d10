"""The daily supplement plan, and ticking a supplement off on the day page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form

from ..absorption import supplement_tips
from ..forms import SupplementForm, SupplementTickForm
from .day import after_change, day_context, day_params, refuse_change


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def supplement_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The daily supplement plan: what, how much per tablet, how many, how often."""
    form = SupplementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supplement = form.save(commit=False)
        supplement.patient = patient
        consume_form_token(request)
        supplement.save()
        messages.success(request, f"Added to the plan: {supplement}.")
        return redirect("nutrition:supplement-list", patient_id=patient.pk)
    supplements = list(patient.supplements.active())
    return TemplateResponse(
        request,
        "nutrition/supplements.html",
        {"patient": patient, "form": form, "supplements": supplements, "tips": supplement_tips(supplements)},
        status=422 if form.errors else 200,
    )


@require_POST
@patient_view
def supplement_stop(request: HtmxHttpRequest, patient: PatientProfile, supplement_id: int) -> HttpResponse:
    supplement = get_object_or_404(patient.supplements.active(), pk=supplement_id)
    supplement.stop()
    messages.success(request, f"Stopped: {supplement}. Days already ticked keep their amounts.")
    return redirect("nutrition:supplement-list", patient_id=patient.pk)


@require_POST
@patient_view
@once_per_form
def supplement_tick(request: HtmxHttpRequest, patient: PatientProfile, supplement_id: int) -> HttpResponse:
    """Tick a plan supplement off for the day (or untick it): its daily amount joins the day's totals."""
    supplement = get_object_or_404(patient.supplements.all(), pk=supplement_id)
    params = day_params(request, patient)
    form = SupplementTickForm(request.POST, patient=patient, today=params.today)
    if not form.is_valid():
        return refuse_change(request, patient, params, f"{supplement}: not recorded. {' '.join(form.errors['date'])}")
    day = form.cleaned_data["date"]
    consume_form_token(request)  # a tick clicked twice would untick
    taken = supplement.toggle_taken(day, by=request.user)
    message = f"{supplement}: {'taken' if taken else 'not taken'} on {day:%-d %b}."
    if not wants_partial(request):
        return after_change(request, patient, params.on(day), message, anchor=f"supplement-{supplement.pk}")
    # htmx: only this row and the day's totals change, so the page keeps its scroll position and the tick its focus.
    context = day_context(patient, params.on(day))
    row = next((s for s in context["supplements"] if s.pk == supplement.pk), None)
    if row is None:  # no longer in the plan: its row is gone, so the whole day is refreshed
        return reswap(retarget(after_change(request, patient, params.on(day), message), "#day-content"), "outerHTML")
    response = TemplateResponse(request, "nutrition/day.html#supplement-ticked", {**context, "supplement": row})
    return trigger_client_event(response, "showMessage", {"value": message, "level": "success"})
