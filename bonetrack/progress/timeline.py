"""The progress report on the clinician timeline: a header section with the summary of the latest pair of scans (or of
the latest scan to today), its key numbers and a link to the full report. No events of its own."""

from django.urls import reverse

from bonetrack.core.timezones import local_today
from dexa.history import load_history

from .report import cached_report, default_window, windows_for
from .summary import summary_sentence

KINDS: dict[str, str] = {}


def timeline_header(request, patient) -> dict | None:
    """None without scans; else the cached report of the default window (two queries when cached)."""
    windows = windows_for(load_history(patient), local_today(patient.user))
    window = default_window(windows)
    if window is None:
        return None
    report = cached_report(patient, window)
    return {
        "template": "progress/_timeline_header.html",
        "report": report,
        "summary": summary_sentence(report),
        "url": reverse("progress:report", kwargs={"patient_id": patient.pk}),
    }
