"""Quick add: one exercise on a date, into that day's session."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from django_htmx.http import push_url, reswap, trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today

from .. import safety, services
from ..forms import QuickEntryForm
from ..goals import week_start
from ..models import Exercise
from .flags import confirmation, is_confirmed
from .week import chosen_week, week_context, week_url


def _show_quick_add(request: HtmxHttpRequest, response: HttpResponse) -> HttpResponse:
    """After an htmx swap, keep the quick-add card (its errors or the confirmation) in view."""
    if request.htmx:
        reswap(response, "outerHTML show:#quick-add:top")
    return response


@require_POST
@patient_view
@once_per_form
def entry_add(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Quick add: one exercise on a date, into that day's session. Flagged exercises ask for confirmation first."""
    today = local_today(patient.user)
    exercises = list(Exercise.objects.active())
    form = QuickEntryForm(request.POST, born=patient.date_of_birth, today=today, exercises=exercises)
    shown_week = chosen_week(request, patient, today) if request.GET.get("week") else week_start(today)
    template = "exercise/week.html#week-body" if wants_partial(request) else "exercise/week.html"
    if not form.is_valid() or "revise" in request.POST:
        # htmx swaps only 2xx responses, so the errors come back as 200 there.
        status = 422 if form.errors and not wants_partial(request) else 200
        response = TemplateResponse(request, template, week_context(patient, shown_week, today, form=form), status=status)
        return _show_quick_add(request, response)
    exercise = form.cleaned_data["exercise"]
    flags = safety.flags_for(patient, [exercise])
    if flags and not is_confirmed(request):
        pending = confirmation(request, flags, [exercise])
        context = week_context(patient, shown_week, today, form=form, pending=pending)
        return _show_quick_add(request, TemplateResponse(request, template, context))
    day = form.cleaned_data["date"]
    consume_form_token(request)
    entry = services.entry_log(patient=patient, day=day, entry=form.save(commit=False), by=request.user, flags=flags)
    note = f"Logged {exercise.name.lower()}: {entry.summary} on {format_day(day, weekday=True, year=False)}."
    if wants_partial(request):
        fresh = QuickEntryForm(initial={"date": day}, born=patient.date_of_birth, today=today, exercises=exercises)
        response = TemplateResponse(request, template, week_context(patient, week_start(day), today, form=fresh))
        trigger_client_event(response, "showMessage", {"value": note, "level": "warning" if entry.flagged else "success"})
        push_url(response, week_url(patient, week_start(day)))
        return reswap(response, "outerHTML show:#week-body:top")
    messages.success(request, note)
    return redirect(week_url(patient, week_start(day)))
