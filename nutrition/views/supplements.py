"""The daily supplement plan, and ticking a supplement off on the day page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.undo.views import notice, offer_undo

from ..absorption import supplement_tips
from ..forms import SupplementForm, SupplementTickForm
from .day import after_change, day_params, day_url, refuse_change, supplement_row


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
    untick = supplement.toggle_taken(day, by=request.user)
    message = f"{supplement}: {'not taken' if untick else 'taken'} on {format_day(day, year=False)}."
    if untick is None:  # ticked
        if not wants_partial(request):
            return after_change(request, patient, params.on(day), message, anchor=f"supplement-{supplement.pk}")
        return supplement_row(request, patient, params.on(day), supplement.pk, message)
    # Unticked: the tick waits in the recycle bin, and the row (or the next page) offers Undo.
    undo_url = reverse("nutrition:item-undo", kwargs={"patient_id": patient.pk, "deleted_id": untick.pk})
    if not wants_partial(request):
        offer_undo(request, untick, undo_url)
        return redirect(day_url(patient, day, meal=params.meal) + f"#supplement-{supplement.pk}")
    undo = notice(untick, undo_url, f"#supplement-{supplement.pk}")
    return supplement_row(request, patient, params.on(day), supplement.pk, message, undo=undo)
