"""Deleting an exercise or a whole session, and Undo. A delete moves the rows to the recycle bin for a day.

With htmx the week is drawn again (its goals no longer count what was deleted) with "Deleted. Undo" where the rows
were; without JavaScript the delete button opens a confirmation page and the week then offers Undo.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.timezones import local_today
from bonetrack.undo.models import DeletedItem
from bonetrack.undo.services import RestoreRefused, delete_with_undo, restore, snapshot_objects
from bonetrack.undo.views import confirm_delete, find_deleted, gone, notice, offer_undo

from ..goals import week_start
from ..models import ExerciseSession, SessionEntry
from .week import week_context, week_url

LABELS = ("exercise.exercisesession", "exercise.sessionentry")


def offer_undo_of(request: HtmxHttpRequest, patient: PatientProfile, deleted: DeletedItem) -> None:
    """The Undo button in the messages area of the next page."""
    offer_undo(request, deleted, reverse("exercise:undo", kwargs={"patient_id": patient.pk, "deleted_id": deleted.pk}))


def _after_delete(request: HtmxHttpRequest, patient: PatientProfile, deleted: DeletedItem, day, *, session_id: int):
    if not wants_partial(request):
        offer_undo_of(request, patient, deleted)
        return redirect(week_url(patient, week_start(day)))
    undo_url = reverse("exercise:undo", kwargs={"patient_id": patient.pk, "deleted_id": deleted.pk})
    today = local_today(patient.user)
    context = week_context(patient, week_start(day), today)
    place = notice(deleted, undo_url, "#week-body") | {"undo_notice": True}
    sessions = context["sessions"]
    for session, entries in sessions:
        if session.pk == session_id:  # an exercise of a session that has others: the notice goes among them
            entries.append(place)
            break
    else:
        later = sum(1 for session, _ in sessions if (session.date, session.pk) > (day, session_id))
        sessions.insert(later, (place, []))
    return TemplateResponse(request, "exercise/week.html#week-body", context)


@require_http_methods(["GET", "POST"])
@patient_view
def session_delete(request: HtmxHttpRequest, patient: PatientProfile, session_id: int) -> HttpResponse:
    """POST: the session and its exercises go to the recycle bin. GET (without JavaScript): the confirmation page."""
    session = get_object_or_404(ExerciseSession.objects.for_patient(patient), pk=session_id)
    entries = list(session.entries.select_related("exercise"))
    count = f"{len(entries)} exercise{'s' if len(entries) != 1 else ''}"
    description = f"The session of {format_day(session.date, weekday=True)} and its {count}"
    if request.method == "GET":
        return confirm_delete(
            request,
            patient,
            question=f"Delete {description[0].lower()}{description[1:]}?",
            back_url=week_url(patient, week_start(session.date)),
        )
    deleted = delete_with_undo(session, patient=patient, by=request.user, description=description, related=entries)
    return _after_delete(request, patient, deleted, session.date, session_id=-1)


@require_http_methods(["GET", "POST"])
@patient_view
def entry_delete(request: HtmxHttpRequest, patient: PatientProfile, entry_id: int) -> HttpResponse:
    """POST: one exercise of a session goes to the recycle bin. GET (without JavaScript): the confirmation page."""
    entry = get_object_or_404(SessionEntry.objects.for_patient(patient).select_related("session", "exercise"), pk=entry_id)
    day, description = entry.session.date, entry.deletion_description
    if request.method == "GET":
        return confirm_delete(request, patient, question=f"Delete {description}?", back_url=week_url(patient, week_start(day)))
    deleted = delete_with_undo(entry, patient=patient, by=request.user, description=description)
    return _after_delete(request, patient, deleted, day, session_id=entry.session_id)


@require_POST
@patient_view
def exercise_undo(request: HtmxHttpRequest, patient: PatientProfile, deleted_id: int) -> HttpResponse:
    """Put a deleted exercise or session back as it was, then the week again."""
    today = local_today(patient.user)
    deleted = find_deleted(patient, deleted_id, *LABELS)
    if deleted is None:
        return gone(request, patient, back_url=reverse("exercise:week", kwargs={"patient_id": patient.pk}))
    first = snapshot_objects(deleted)[0]
    day = first.date if isinstance(first, ExerciseSession) else None
    try:
        if day is not None and ExerciseSession.objects.for_patient(patient).filter(date=day).exists():
            raise RestoreRefused("conflict", "This can't be put back: that day has a session again. Add the exercises to it.")
        rows = restore(deleted, by=request.user)
    except RestoreRefused as refusal:
        if wants_partial(request):  # the notice stays; the reason shows in the messages area
            return trigger_client_event(HttpResponse(status=422), "showMessage", {"value": refusal.message, "level": "error"})
        messages.error(request, refusal.message)
        return redirect(week_url(patient, week_start(today)))
    day = day or ExerciseSession.objects.get(pk=rows[0].session_id).date
    message = f"Put back: {deleted.description}."
    if not wants_partial(request):
        messages.success(request, message)
        return redirect(week_url(patient, week_start(day)))
    response = TemplateResponse(request, "exercise/week.html#week-body", week_context(patient, week_start(day), today))
    return trigger_client_event(response, "showMessage", {"value": message, "level": "success"})
