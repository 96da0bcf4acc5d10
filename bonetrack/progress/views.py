from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.timezones import local_today
from dexa.history import load_history

from .report import Window, cached_report, default_window, windows_for
from .summary import summary_sentence


def choose_window(windows: list[Window], key: str) -> Window | None:
    """The window named by `key` (404 when it is not one of the patient's), else the default one."""
    if not key:
        return default_window(windows)
    for window in windows:
        if window.key == key:
            return window
    raise Http404("No such pair of scans.")


@require_GET
@patient_view
def progress_report(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """ "Is my plan working?": a pair of scans (or the latest scan to today) and what the patient did in between."""
    history = load_history(patient)
    windows = windows_for(history, local_today(patient.user))
    window = choose_window(windows, request.GET.get("window", "").strip())
    report = cached_report(patient, window) if window else None
    context = {
        "patient": patient,
        "windows": windows,
        "window": window,
        "report": report,
        "summary": summary_sentence(report),
        "scan_count": len(history.scans),
    }
    template = "progress/report.html#report" if wants_partial(request) else "progress/report.html"
    return TemplateResponse(request, template, context)
