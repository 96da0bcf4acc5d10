import datetime as dt
import json
from itertools import groupby

from django.contrib import messages
from django.db import transaction
from django.db.models import F, Max, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.careteams.access import patient_view
from bonetrack.core.dates import clamp_date
from bonetrack.core.htmx import wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form

from . import safety
from .charts import build_days_figure, build_load_progression_figure, build_weight_bearing_figure
from .forms import QuickEntryForm, SessionForm, entry_formset
from .goals import day_category_rows, week_days, week_start, weekly_goals, weekly_history
from .models import Category, Exercise, ExerciseSession, SessionEntry
from .sessions import RepeatPlan, session_of_day

HISTORY_WEEKS = 12
CONFIRM_FIELDS = ("csrfmiddlewaretoken", "confirm_flags", "revise")


def _reuse_profile(request, patient: PatientProfile) -> None:
    """Navigation reads `request.user.patient_profile`; for the patient themself it is the row already loaded."""
    if request.user.pk == patient.user_id:
        User.patient_profile.related.set_cached_value(request.user, patient)


def _today(patient: PatientProfile) -> dt.date:
    from bonetrack.core.timezones import local_today

    return local_today(patient.user)


def _chosen_week(request, patient: PatientProfile, today: dt.date) -> dt.date:
    """The Monday of `?week=YYYY-MM-DD` (any day of it), between the week of birth and this week; this week if invalid."""
    day = clamp_date(request.GET.get("week"), default=today, earliest=patient.date_of_birth, latest=today)
    return week_start(day)


def _week_url(patient: PatientProfile, start: dt.date) -> str:
    return f"{reverse('exercise:week', kwargs={'patient_id': patient.pk})}?week={start.isoformat()}"


# Confirmation step (R10) --------------------------------------------------------------------------------------


def _flags(patient: PatientProfile, exercises) -> dict[int, list[str]]:
    """Reasons per exercise id for the exercises flagged for this patient (empty when none are)."""
    exercises = list(exercises)
    if not exercises:
        return {}
    status = safety.bone_status_for(patient)
    return {exercise.pk: reasons for exercise in exercises if (reasons := status.reasons_for(exercise))}


def _confirmed(request) -> bool:
    return request.POST.get("confirm_flags") == "1"


def _pending(request, flags: dict[int, list[str]], exercises) -> dict:
    """What the confirmation step shows, and the submitted data it posts back unchanged."""
    by_id = {exercise.pk: exercise for exercise in exercises}
    return {
        "items": [{"exercise": by_id[pk], "reasons": reasons} for pk, reasons in flags.items()],
        "hidden": [(name, value) for name, values in request.POST.lists() if name not in CONFIRM_FIELDS for value in values],
        "action": request.get_full_path(),
    }


def _apply_flag(entry: SessionEntry, reasons: list[str], user, now: dt.datetime) -> None:
    entry.flagged = bool(reasons)
    entry.flag_reasons = list(reasons)
    entry.flag_confirmed_by = user if reasons else None
    entry.flag_confirmed_at = now if reasons else None


# Week view and quick add --------------------------------------------------------------------------------------


def _week_context(request, patient: PatientProfile, start: dt.date, today: dt.date, *, form=None, pending=None) -> dict:
    first, last = week_days(start)
    rows = day_category_rows(patient, first, last)
    entries = (
        SessionEntry.objects.for_patient(patient)
        .between(first, last)
        .select_related("session", "exercise")
        .order_by("-session__date", "-session_id", "position", "pk")
    )
    sessions = [(session, list(items)) for session, items in groupby(entries, key=lambda entry: entry.session)]
    done: dict[dt.date, set[str]] = {}
    for row in rows:
        done.setdefault(row.date, set()).add(row.category)
    days = [
        {"date": day, "categories": done.get(day, set()), "is_today": day == today, "is_future": day > today}
        for day in (first + dt.timedelta(days=n) for n in range(7))
    ]
    if form is None:
        form = QuickEntryForm(
            initial={"date": min(today, last)}, born=patient.date_of_birth, today=today, exercises=list(Exercise.objects.active())
        )
    return {
        "patient": patient,
        "today": today,
        "week_first": first,
        "week_last": last,
        "previous_week": first - dt.timedelta(days=7),
        "next_week": first + dt.timedelta(days=7) if first < week_start(today) else None,
        "is_this_week": first == week_start(today),
        "goals": weekly_goals(rows),
        "days": days,
        "sessions": sessions,
        "form": form,
        "pending": pending,
        "categories": Category,
    }


@require_GET
@patient_view
def week(request, patient: PatientProfile) -> HttpResponse:
    """One week (Monday–Sunday, the patient's time zone): goals, sessions and the quick-add form."""
    _reuse_profile(request, patient)
    today = _today(patient)
    context = _week_context(request, patient, _chosen_week(request, patient, today), today)
    template = "exercise/week.html#week-body" if wants_partial(request) and not request.htmx.boosted else "exercise/week.html"
    return TemplateResponse(request, template, context)


def _show_quick_add(request, response: HttpResponse) -> HttpResponse:
    """After an htmx swap, keep the quick-add card (its errors or the confirmation) in view."""
    if request.htmx:
        response["HX-Reswap"] = "outerHTML show:#quick-add:top"
    return response


@require_POST
@patient_view
@once_per_form
def entry_add(request, patient: PatientProfile) -> HttpResponse:
    """Quick add: one exercise on a date, into that day's session. Flagged exercises ask for confirmation first."""
    _reuse_profile(request, patient)
    today = _today(patient)
    exercises = list(Exercise.objects.active())
    form = QuickEntryForm(request.POST, born=patient.date_of_birth, today=today, exercises=exercises)
    shown_week = _chosen_week(request, patient, today) if request.GET.get("week") else week_start(today)
    template = "exercise/week.html#week-body" if wants_partial(request) else "exercise/week.html"
    if not form.is_valid() or "revise" in request.POST:
        # htmx swaps only 2xx responses, so the errors come back as 200 there.
        status = 422 if form.errors and not wants_partial(request) else 200
        response = TemplateResponse(
            request, template, _week_context(request, patient, shown_week, today, form=form), status=status
        )
        return _show_quick_add(request, response)
    exercise = form.cleaned_data["exercise"]
    flags = _flags(patient, [exercise])
    if flags and not _confirmed(request):
        pending = _pending(request, flags, [exercise])
        context = _week_context(request, patient, shown_week, today, form=form, pending=pending)
        return _show_quick_add(request, TemplateResponse(request, template, context))
    day = form.cleaned_data["date"]
    with transaction.atomic():
        consume_form_token(request)
        session = session_of_day(patient, day, request.user)
        entry = form.save(commit=False)
        entry.session = session
        entry.position = session.entries.count()
        _apply_flag(entry, flags.get(exercise.pk, []), request.user, timezone.now())
        entry.save()
    note = f"Logged {exercise.name.lower()}: {entry.summary} on {day:%a %-d %b}."
    if wants_partial(request):
        fresh = QuickEntryForm(initial={"date": day}, born=patient.date_of_birth, today=today, exercises=exercises)
        response = TemplateResponse(request, template, _week_context(request, patient, week_start(day), today, form=fresh))
        trigger_client_event(response, "showMessage", {"value": note, "level": "warning" if entry.flagged else "success"})
        response["HX-Push-Url"] = _week_url(patient, week_start(day))
        response["HX-Reswap"] = "outerHTML show:#week-body:top"
        return response
    messages.success(request, note)
    return redirect(_week_url(patient, week_start(day)))


# Full session form --------------------------------------------------------------------------------------------


def _session_form(request, patient: PatientProfile, session: ExerciseSession | None) -> HttpResponse:
    today = _today(patient)
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
    # Only new exercises are checked: an entry confirmed earlier keeps its record.
    to_check = [
        f
        for f in formset.forms
        if f.has_changed()
        and not formset._should_delete_form(f)
        and (f.instance.pk is None or "exercise" in f.changed_data)
        and f.cleaned_data.get("exercise")
    ]
    checked = [f.cleaned_data["exercise"] for f in to_check]
    flags = _flags(patient, checked)
    if flags and not _confirmed(request):
        context["pending"] = _pending(request, flags, checked)
        return TemplateResponse(request, "exercise/confirm.html", context)
    now = timezone.now()
    with transaction.atomic():
        consume_form_token(request)
        saved = form.save(commit=False)
        if session is None:
            # A new session on a date that already has one adds to it: one session per day.
            saved = session_of_day(patient, saved.date, request.user, notes=saved.notes)
        else:
            if saved.created_by_id is None:
                saved.created_by = request.user
            saved.save()
        start = saved.entries.count() if session is None else len(formset.initial_forms)
        formset.instance = saved
        entries = formset.save(commit=False)
        for entry in formset.deleted_objects:
            entry.delete()
        for position, entry in enumerate(entries):
            if any(f.instance is entry for f in to_check):
                _apply_flag(entry, flags.get(entry.exercise_id, []), request.user, now)
            if entry.pk is None:
                entry.position = position + start
            entry.save()
    messages.success(request, f"Saved your session of {saved.date:%a %-d %b %Y}.")
    return redirect(_week_url(patient, week_start(saved.date)))


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def session_add(request, patient: PatientProfile) -> HttpResponse:
    """A session with several exercises at once."""
    _reuse_profile(request, patient)
    return _session_form(request, patient, None)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def session_edit(request, patient: PatientProfile, session_id: int) -> HttpResponse:
    _reuse_profile(request, patient)
    session = get_object_or_404(ExerciseSession.objects.for_patient(patient), pk=session_id)
    return _session_form(request, patient, session)


@require_POST
@patient_view
def session_delete(request, patient: PatientProfile, session_id: int) -> HttpResponse:
    session = get_object_or_404(ExerciseSession.objects.for_patient(patient), pk=session_id)
    session.delete()
    messages.success(request, f"Deleted the session of {session.date:%a %-d %b %Y}.")
    return redirect(_week_url(patient, week_start(session.date)))


@require_POST
@patient_view
@once_per_form
def session_repeat(request, patient: PatientProfile) -> HttpResponse:
    """Copy the latest session before today into today's session. What today already has is shown first (log only
    the rest, or all of it again); flagged exercises are confirmed first."""
    _reuse_profile(request, patient)
    today = _today(patient)
    plan = RepeatPlan.latest_before(patient, today)
    if plan is None:
        messages.info(request, "There is no earlier session to repeat yet. Log one with the form below.")
        return redirect("exercise:week", patient_id=patient.pk)
    choice = request.POST.get("duplicates")
    if plan.already and choice not in ("skip", "again"):
        return TemplateResponse(request, "exercise/repeat_duplicates.html", {"patient": patient, "plan": plan})
    todo = plan.to_copy(again=choice == "again")
    exercises = list({entry.exercise_id: entry.exercise for entry in todo}.values())
    flags = _flags(patient, exercises)
    if flags and not _confirmed(request):
        context = {"patient": patient, "repeat_of": plan.source, "pending": _pending(request, flags, exercises)}
        return TemplateResponse(request, "exercise/confirm.html", context)
    now = timezone.now()
    with transaction.atomic():
        consume_form_token(request)
        copies = plan.apply(
            user=request.user,
            again=choice == "again",
            flag=lambda copy: _apply_flag(copy, flags.get(copy.exercise_id, []), request.user, now),
        )
    count = len(copies)
    if count:
        what = f"{count} exercise{'s' if count != 1 else ''}"
        messages.success(request, f"Repeated your session of {plan.source.date:%a %-d %b}: {what} logged for today.")
    else:
        messages.info(request, f"Today already has every exercise of your session of {plan.source.date:%a %-d %b}.")
    return redirect(_week_url(patient, week_start(today)))


# Library, history, progression, flags -------------------------------------------------------------------------


@require_GET
@patient_view
def library(request, patient: PatientProfile) -> HttpResponse:
    """The exercise library, marking what is flagged for this patient and why."""
    _reuse_profile(request, patient)
    status = safety.bone_status_for(patient)
    groups = []
    exercises = sorted(Exercise.objects.active(), key=lambda e: (Category.values.index(e.category), e.position, e.name))
    for category, items in groupby(exercises, key=lambda e: e.category):
        rows = [{"exercise": exercise, "reasons": status.reasons_for(exercise)} for exercise in items]
        groups.append({"label": Category(category).label, "key": category, "rows": rows})
    flagged_count = sum(1 for group in groups for row in group["rows"] if row["reasons"])
    return TemplateResponse(
        request,
        "exercise/library.html",
        {"patient": patient, "status": status, "groups": groups, "flagged_count": flagged_count},
    )


def _figure_json(figure) -> dict:
    return json.loads(figure.to_json())


@require_GET
@patient_view
def history(request, patient: PatientProfile) -> HttpResponse:
    """The last 12 weeks against the R9 goals (one aggregation query)."""
    _reuse_profile(request, patient)
    today = _today(patient)
    this_week = week_start(today)
    starts = [this_week - dt.timedelta(weeks=n) for n in range(HISTORY_WEEKS - 1, -1, -1)]
    rows = day_category_rows(patient, starts[0], this_week + dt.timedelta(days=6))
    weeks = weekly_history(rows, starts)
    table = [
        {"start": start, "goals": goals, "met": sum(goal.met for goal in goals), "is_current": start == this_week}
        for start, goals in weeks
    ]
    return TemplateResponse(
        request,
        "exercise/history.html",
        {
            "patient": patient,
            "today": today,
            "weeks": list(reversed(table)),
            "minutes_figure": _figure_json(build_weight_bearing_figure(weeks)),
            "days_figure": _figure_json(build_days_figure(weeks)),
        },
    )


@require_GET
@patient_view
def progression(request, patient: PatientProfile) -> HttpResponse:
    """Heaviest load per session for one resistance exercise the patient has logged with a load."""
    _reuse_profile(request, patient)
    loaded = SessionEntry.objects.for_patient(patient).filter(exercise__category=Category.RESISTANCE, load__isnull=False)
    options = list(
        loaded.values("exercise_id", "exercise__name").annotate(last=Max("session__date")).order_by("-last", "exercise__name")
    )
    chosen = None
    wanted = request.GET.get("exercise", "")
    for option in options:
        if str(option["exercise_id"]) == wanted:
            chosen = option
    if chosen is None and options:
        chosen = options[0]
    rows, figure = [], None
    if chosen is not None:
        load_kg = SessionEntry.objects.load_kg_expression()
        rows = list(
            loaded.filter(exercise_id=chosen["exercise_id"])
            .values(date=F("session__date"))
            .annotate(max_load_kg=Max(load_kg), volume_kg=Sum(F("sets") * F("reps") * load_kg))
            .order_by("date")
        )
        figure = _figure_json(build_load_progression_figure(rows)) if rows else None
    return TemplateResponse(
        request,
        "exercise/progression.html",
        {"patient": patient, "options": options, "chosen": chosen, "rows": list(reversed(rows)), "figure": figure},
    )


@require_GET
@patient_view
def flag_list(request, patient: PatientProfile) -> HttpResponse:
    """Every flagged exercise the patient logged, with the reasons and who confirmed it."""
    _reuse_profile(request, patient)
    entries = (
        SessionEntry.objects.for_patient(patient)
        .flagged()
        .select_related("session", "exercise", "flag_confirmed_by")
        .order_by("-session__date", "-pk")[:200]
    )
    return TemplateResponse(request, "exercise/flag_list.html", {"patient": patient, "entries": entries})
