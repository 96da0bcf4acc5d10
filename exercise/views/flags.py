"""Safety flags (R10): the confirmation step before a flagged exercise is logged, and the list of flagged entries."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest

from ..models import SessionEntry

# The confirmation form's own fields; every other submitted field is posted back unchanged.
CONFIRM_FIELDS = ("csrfmiddlewaretoken", "confirm_flags", "revise")


def is_confirmed(request: HtmxHttpRequest) -> bool:
    """True when the patient confirmed the flagged exercises on the confirmation step."""
    return request.POST.get("confirm_flags") == "1"


def confirmation(request: HtmxHttpRequest, flags: dict[int, list[str]], exercises) -> dict:
    """What the confirmation step shows, and the submitted data it posts back unchanged."""
    by_id = {exercise.pk: exercise for exercise in exercises}
    return {
        "items": [{"exercise": by_id[pk], "reasons": reasons} for pk, reasons in flags.items()],
        "hidden": [(name, value) for name, values in request.POST.lists() if name not in CONFIRM_FIELDS for value in values],
        "action": request.get_full_path(),
    }


@require_GET
@patient_view
def flag_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Every flagged exercise the patient logged, with the reasons and who confirmed it."""
    entries = (
        SessionEntry.objects.for_patient(patient)
        .flagged()
        .select_related("session", "exercise", "flag_confirmed_by")
        .order_by("-session__date", "-pk")[:200]
    )
    return TemplateResponse(request, "exercise/flag_list.html", {"patient": patient, "entries": entries})
