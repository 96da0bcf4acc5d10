from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import CARE_TEAM_ENTRY_MESSAGE, may_change_entry, patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today
from bonetrack.undo.services import RestoreRefused, delete_with_undo, restore, snapshot_objects
from bonetrack.undo.views import confirm_delete, find_deleted, gone, notice, offer_undo

from .forms import LabResultForm
from .models import LabResult


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def lab_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's lab results, newest first, with a form to add one (patient and care team alike)."""
    form = LabResultForm(request.POST or None, patient=patient, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():
        result = form.save(commit=False)
        result.patient, result.entered_by = patient, request.user
        consume_form_token(request)
        result.save()
        messages.success(request, f"Added: {result}.")
        return redirect("labs:lab-list", patient_id=patient.pk)
    results = list(LabResult.objects.for_patient(patient).newest_first().select_related("entered_by"))
    for result in results:
        result.may_change = _changeable(request, result)
    return TemplateResponse(request, "labs/lab_list.html", {"patient": patient, "form": form, "results": results})


def _changeable(request: HtmxHttpRequest, result: LabResult) -> bool:
    return may_change_entry(request.user, entered_by=result.entered_by)


@require_http_methods(["GET", "POST"])
@patient_view
def lab_delete(request: HtmxHttpRequest, patient: PatientProfile, lab_id: int) -> HttpResponse:
    """POST: move the result to the recycle bin; its row shows "Deleted. Undo" (htmx), or the list offers Undo.
    GET (the button without JavaScript): the confirmation page. A patient may not delete what the care team entered."""
    result = get_object_or_404(LabResult.objects.for_patient(patient).select_related("entered_by"), pk=lab_id)
    if not _changeable(request, result):
        raise PermissionDenied(CARE_TEAM_ENTRY_MESSAGE)
    back = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    description = f"{result.get_test_display()} {result.entered_text} on {format_day(result.taken_on)}"
    if request.method == "GET":
        return confirm_delete(request, patient, question=f"Delete the result {description}?", back_url=back)
    deleted = delete_with_undo(result, patient=patient, by=request.user, description=description)
    undo_url = reverse("labs:lab-undo", kwargs={"patient_id": patient.pk, "deleted_id": deleted.pk})
    if not wants_partial(request):
        offer_undo(request, deleted, undo_url)
        return redirect(back)
    context = {"patient": patient, **notice(deleted, undo_url, f"#lab-{lab_id}")}
    return TemplateResponse(request, "labs/lab_list.html#deleted-row", context)


@require_POST
@patient_view
def lab_undo(request: HtmxHttpRequest, patient: PatientProfile, deleted_id: int) -> HttpResponse:
    """Put a deleted result back as it was (htmx: its row again)."""
    back = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    deleted = find_deleted(patient, deleted_id, "labs.labresult")
    if deleted is None:
        return gone(request, patient, back_url=back)
    if not _changeable(request, snapshot_objects(deleted)[0]):
        raise PermissionDenied(CARE_TEAM_ENTRY_MESSAGE)
    try:
        (result,) = restore(deleted, by=request.user)
    except RestoreRefused as refusal:
        if wants_partial(request):  # the notice stays; the reason shows in the messages area
            return trigger_client_event(HttpResponse(status=422), "showMessage", {"value": refusal.message, "level": "error"})
        messages.error(request, refusal.message)
        return redirect(back)
    if not wants_partial(request):
        messages.success(request, f"Put back: {deleted.description}.")
        return redirect(back)
    result.may_change = True
    return TemplateResponse(request, "labs/lab_list.html#lab-row", {"patient": patient, "result": result})
