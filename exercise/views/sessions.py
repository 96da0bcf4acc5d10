"""Sessions: the full-session form (add and edit), and "Repeat last session"."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today
from bonetrack.undo.models import DeletedItem

from .. import safety, services
from ..forms import SessionForm, entry_formset
from ..goals import week_start
from ..models import Exercise, ExerciseSession
from .deleting import offer_undo_of
from .flags import confirmation, is_confirmed
from .week import week_url


def _session_form(request: HtmxHttpRequest, patient: PatientProfile, session: ExerciseSession | None) -> HttpResponse:
    today = local_today(patient.user)
    exercises = list(Exercise.objects.active())
    if session is not None:
        known = {exercise.pk for exercise in exercises}
        exercises += [entry.exercise for entry in session.entries.select_related("exercise") if entry.exercise_id not in known]
    data = request.POST if request.method == "POST" else None
    initial = None if session else {"date": today}
    form = SessionForm(data, instance=session, born=patient.date_of_birth, today=today, initial=initial)
    formset = entry_formset(extra=1 if session else 2)(
        data, instance=session or ExerciseSession(patient=patient), prefix="entries", form_kwargs={"exercises": exercises}
    )
    context = {"patient": patient, "session": session, "form": form, "formset": formset, "today": today}
    if request.method != "POST" or "revise" in request.POST:
        if data is not None:
            form.is_valid()
            formset.is_valid()
        return TemplateResponse(request, "exercise/session_form.html", context)
    if not (form.is_valid() and formset.is_valid()):
        return TemplateResponse(request, "exercise/session_form.html", context, status=422)
    checked = [entry_form.cleaned_data["exercise"] for entry_form in formset.forms_to_check()]
    flags = safety.flags_for(patient, checked)
    if flags and not is_confirmed(request):
        context["pending"] = confirmation(request, flags, checked)
        return TemplateResponse(request, "exercise/confirm.html", context)
    consume_form_token(request)
    removed = [entry_form.instance.pk for entry_form in formset.deleted_forms if entry_form.instance.pk]
    saved = services.session_save(patient=patient, session_form=form, entry_formset=formset, by=request.user, flags=flags)
    binned = DeletedItem.objects.for_patient(patient).labelled("exercise.sessionentry").filter(restored_at__isnull=True)
    for deleted in binned.filter(original_pk__in=removed):
        offer_undo_of(request, patient, deleted)
    messages.success(request, f"Saved your session of {format_day(saved.date, weekday=True)}.")
    return redirect(week_url(patient, week_start(saved.date)))


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def session_add(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """A session with several exercises at once."""
    return _session_form(request, patient, None)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def session_edit(request: HtmxHttpRequest, patient: PatientProfile, session_id: int) -> HttpResponse:
    session = get_object_or_404(ExerciseSession.objects.for_patient(patient), pk=session_id)
    return _session_form(request, patient, session)


@require_POST
@patient_view
@once_per_form
def session_repeat(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Copy the latest session before today into today's session. What today already has is shown first (log only
    the rest, or all of it again); flagged exercises are confirmed first."""
    today = local_today(patient.user)
    plan = services.RepeatPlan.latest_before(patient, today)
    if plan is None:
        messages.info(request, "There is no earlier session to repeat yet. Log one with the form below.")
        return redirect("exercise:week", patient_id=patient.pk)
    choice = request.POST.get("duplicates")
    if plan.already and choice not in ("skip", "again"):
        return TemplateResponse(request, "exercise/repeat_duplicates.html", {"patient": patient, "plan": plan})
    again = choice == "again"
    exercises = list({entry.exercise_id: entry.exercise for entry in plan.to_copy(again=again)}.values())
    flags = safety.flags_for(patient, exercises)
    if flags and not is_confirmed(request):
        context = {"patient": patient, "repeat_of": plan.source, "pending": confirmation(request, flags, exercises)}
        return TemplateResponse(request, "exercise/confirm.html", context)
    consume_form_token(request)
    count = len(services.session_repeat(plan=plan, again=again, by=request.user, flags=flags))
    when = format_day(plan.source.date, weekday=True, year=False)
    if count:
        what = f"{count} exercise{'s' if count != 1 else ''}"
        messages.success(request, f"Repeated your session of {when}: {what} logged for today.")
    else:
        messages.info(request, f"Today already has every exercise of your session of {when}.")
    return redirect(week_url(patient, week_start(today)))
