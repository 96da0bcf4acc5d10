"""The dashboard's own panel: the first-run checklist."""

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.date_display import current_style
from bonetrack.core.timezones import zone_aliases

from .checklist import load_checklist
from .forms import TimeZoneForm


def dashboard_panel(request, patient: PatientProfile, today) -> dict | None:
    """The checklist, for the patient themself only, until every step is done or they hide it."""
    if request.user.pk != patient.user_id or patient.checklist_hidden_at is not None:
        return None
    checklist = load_checklist(patient)
    if checklist.complete:
        return None
    return {
        "template": "dashboard/_checklist.html",
        "patient": patient,
        "checklist": checklist,
        "today": today,
        "time_zone_form": TimeZoneForm(initial={"time_zone": patient.user.time_zone}),
        "time_zone_aliases": {} if checklist.time_zone_confirmed else zone_aliases(),
        "date_style": current_style(),
    }
