"""The exercise library, marking what is flagged for this patient."""

from itertools import groupby

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest

from .. import safety
from ..models import Category, Exercise


@require_GET
@patient_view
def library(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The exercise library, marking what is flagged for this patient and why."""
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
