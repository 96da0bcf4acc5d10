"""Correcting a clinical note: its author only, within NOTE_EDIT_WINDOW; the earlier text is kept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import care_team_required, patient_view
from bonetrack.core.htmx import HtmxHttpRequest
from bonetrack.core.worklist import TimelineEvent

from . import services
from .forms import NoteEditForm
from .models import ClinicalNote


@require_http_methods(["GET", "POST"])
@patient_view
@care_team_required
def note_edit(request: HtmxHttpRequest, patient: PatientProfile, note_id: int) -> HttpResponse:
    """The note's author corrects its text; anyone else, or the author once the window has passed, is told why not."""
    note = get_object_or_404(ClinicalNote.objects.for_patient(patient).select_related("author", "scan"), pk=note_id)
    context = {"patient": patient, "note": note, "revisions": note.revisions.select_related("edited_by")}
    refusal = note.edit_refusal(request.user)
    if refusal:
        return TemplateResponse(request, "clinic/note_edit.html", {**context, "refusal": refusal}, status=403)
    form = NoteEditForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.note_edit(note=note, body=form.cleaned_data["body"], by=request.user)
        except PermissionDenied as refused:  # the window closed while the form was open
            return TemplateResponse(request, "clinic/note_edit.html", {**context, "refusal": str(refused)}, status=403)
        messages.success(request, "Note changed; the earlier text is kept with it." if changed else "The note was not changed.")
        return redirect("clinic:timeline", patient_id=patient.pk)
    status = 422 if form.errors else 200
    return TemplateResponse(request, "clinic/note_edit.html", {**context, "form": form}, status=status)


def offer_note_edits(events: list[TimelineEvent], user, patient: PatientProfile) -> None:
    """Give each note event `user` may still edit its edit link (`extra["edit_url"]`)."""
    for event in events:
        note = event.extra.get("note") if event.kind == "note" else None
        if note is not None and not note.edit_refusal(user):
            event.extra["edit_url"] = reverse("clinic:note-edit", kwargs={"patient_id": patient.pk, "note_id": note.pk})
