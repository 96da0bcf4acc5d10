"""The clinician timeline: scans and category changes, plus the chart panel as the page header."""

import datetime as dt

from django.db.models import Max
from django.urls import reverse

from bonetrack.core.dates import local_midnight
from bonetrack.core.timezones import zone_of
from bonetrack.core.worklist import TimelineEvent

from . import rules
from .models import DexaScan
from .panels import summary_fragment

KINDS = {"scan": "Scans", "category": "Category changes"}
TONES = {"normal": "ok", "osteopenia": "warning", "osteoporosis": "danger", "severe": "danger", "z_below": "warning"}


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """Newest first, strictly older than `before`; one query (the patient's scans are few)."""
    zone = zone_of(patient.user)
    scans = list(
        DexaScan.objects.for_patient(patient)
        .chronological()
        .select_related("facility")
        .annotate(latest_report_id=Max("reports__pk"))
    )
    events, previous = [], None
    for scan in scans:
        when = local_midnight(scan.scanned_on, zone)
        url = reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
        if "scan" in kinds:
            badges = [(scan.get_category_display() or "No category", TONES.get(scan.category, "muted"))]
            if not scan.is_verified:
                badges.append(("Not yet verified", "warning"))
            extra = {}
            if scan.latest_report_id is not None:
                badges.append(("Report attached", "muted"))
                extra["report_url"] = reverse(
                    "dexa:report-download", kwargs={"patient_id": patient.pk, "report_id": scan.latest_report_id}
                )
            lowest = f"lowest T {scan.lowest_t_score:+}" if scan.lowest_t_score is not None else "no T-score"
            events.append(
                TimelineEvent(
                    when=when,
                    kind="scan",
                    title=f"DEXA scan at {scan.facility}",
                    body=f"{scan.make_label}; {lowest}.",
                    badges=tuple(badges),
                    url=url,
                    extra=extra,
                )
            )
        if "category" in kinds and previous is not None and scan.category != previous.category:
            tone = TONES.get(scan.category, "muted")
            title = scan.improvement or f"{previous.get_category_display() or 'No category'} → {scan.get_category_display()}"
            events.append(
                TimelineEvent(
                    when=when,
                    kind="category",
                    title=title,
                    body=f"Diagnosis of record: {rules.diagnosis_label(scan.diagnosis, scan.diagnosis_reason) or 'none'}.",
                    badges=((("Improvement", "ok"),) if scan.improvement else ((scan.get_category_display(), tone),)),
                    url=url,
                )
            )
        previous = scan
    events.sort(key=lambda e: (e.when, e.kind == "category"), reverse=True)
    if before is not None:
        events = [e for e in events if e.when < before]
    return events[:limit]


def timeline_header(request, patient) -> dict | None:
    """The T-score chart and cards above the clinician timeline (None when there are no scans)."""
    # Without a request (a caller outside a page) the timeline's usual readers, the care team, get the precise wording.
    care_team = request is None or request.user.is_care_team
    body, has_scans = summary_fragment(patient, "timeline", care_team=care_team)
    if not has_scans:
        return None
    return {"template": "dexa/_timeline_header.html", "patient": patient, "body": body}
