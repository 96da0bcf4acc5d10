"""What every delete with undo shows, for the apps' own delete and undo views (which check access first).

Without JavaScript a delete button opens `confirm_delete` (a GET); its POST deletes and the next page carries the
Undo offer in the messages area (`offer_undo`). With htmx the deleted row's place shows the inline notice
(`undo/_notice.html`, context from `notice`). An undo that finds nothing to put back answers `gone` (404: a purged
item and another patient's item look the same).
"""

from django.contrib import messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from bonetrack.accounts.models import PatientProfile

from .models import DeletedItem


def find_deleted(patient: PatientProfile, deleted_id: int, *labels: str) -> DeletedItem | None:
    """The patient's deleted item of one of `labels` (None once purged, or when it is someone else's)."""
    return DeletedItem.objects.for_patient(patient).labelled(*labels).filter(pk=deleted_id).first()


def confirm_delete(
    request: HttpRequest, patient: PatientProfile, *, question: str, back_url: str, detail: str = ""
) -> TemplateResponse:
    """The page a delete button opens without JavaScript: the question, and a form that POSTs to this same URL."""
    context = {"patient": patient, "question": question, "detail": detail, "action_url": request.path, "back_url": back_url}
    return TemplateResponse(request, "undo/confirm_delete.html", context)


def notice(deleted: DeletedItem, undo_url: str, undo_target: str) -> dict:
    """Context for `undo/_notice.html`: the Undo button posts to `undo_url` and htmx swaps `undo_target`."""
    return {"deleted": deleted, "undo_url": undo_url, "undo_target": undo_target}


def offer_undo(request: HttpRequest, deleted: DeletedItem, undo_url: str) -> None:
    """Put "Deleted. … [Undo]" in the messages area of the next page (a form, so it works without JavaScript)."""
    # The offer is rendered from an autoescaped template, so marking the result safe adds nothing unescaped.
    offer = render_to_string("undo/_offer.html", {"deleted": deleted, "undo_url": undo_url}, request=request)
    messages.success(request, mark_safe(offer), extra_tags="undo")  # noqa: S308


def gone(request: HttpRequest, patient: PatientProfile, *, back_url: str) -> TemplateResponse:
    """Nothing to put back: purged after its day, or not this patient's."""
    return TemplateResponse(request, "undo/gone.html", {"patient": patient, "back_url": back_url}, status=404)
