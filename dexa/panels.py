"""The patient dashboard's bone density panel: chart, table and the summary cards, in one query."""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from bonetrack.core.charts import figure_json
from bonetrack.core.date_display import current_style
from bonetrack.core.timezones import local_today
from bonetrack.treatment.prompting import treatment_of

from . import rules
from .charts import Span, tscore_figure_data
from .goals import patient_goal_summary
from .history import ScanHistory, history_from_values, history_values, load_history

# Bump when the panel's markup changes, so cached fragments from an older release are not served.
PANEL_CACHE_VERSION = 4
PANEL_CACHE_SECONDS = 24 * 3600


def medication_spans(patient) -> tuple[Span, ...]:
    """One band per medication course, oldest first: start to stop, or to the next dose due (or today) while it goes
    on (one query, shared with the other panels of the page)."""
    treatment = treatment_of(patient, local_today(patient.user))
    return tuple(
        Span(start=course.started_on, end=treatment.span_end(course), label=course.drug.name) for course in treatment.courses
    )


def bone_summary(patient, history: ScanHistory | None = None, spans: tuple[Span, ...] | None = None) -> dict:
    """Everything the cards, chart and table show, from the scans (one query), the courses and the profile already
    loaded."""
    history = history if history is not None else load_history(patient)
    spans = spans if spans is not None else medication_spans(patient)
    latest = history.latest
    rows = history.rows()
    population = None
    if latest is not None:
        population = rules.score_population(
            sex=patient.sex, menopausal_status=patient.menopausal_status, age=patient.age_on(latest.scanned_on)
        )
    uses_t_score = population.uses_t_score if population else True
    # R2's Z-score population: the lowest Z-score of the latest scan's diagnostic sites stands where the T-score would.
    z_readings = [r.measurement for r in latest.results if r.measurement.z_score is not None] if latest else []
    lowest_z = min(z_readings, key=lambda m: (m.z_score, rules.SITES.index(m.site)), default=None)
    # R13, from the history already loaded: no query.
    goals = patient_goal_summary(history, patient, today=local_today(patient.user))
    return {
        "patient": patient,
        "history": history,
        "latest": latest,
        "rows": rows,
        "table_rows": list(reversed(rows)),
        "goals": goals,
        "figure": figure_json(
            tscore_figure_data(rows, spans, goals.goal if goals else None, patient.next_scan_due_on, "t" if uses_t_score else "z")
        )
        if rows
        else None,
        "spans": spans,
        "improvements": history.improvements(),
        "population_note": population.note if population else "",
        "uses_t_score": uses_t_score,
        "lowest_z": lowest_z,
        "lowest_z_site_label": rules.SITE_LABELS[lowest_z.site] if lowest_z else "",
        "lowest_site_label": rules.SITE_LABELS.get(latest.lowest_t_site, "") if latest else "",
        "interval_set_by_clinician": bool(patient.scan_interval_months),
    }


def summary_html(patient, id_suffix: str, *, care_team: bool = False) -> str:
    return summary_fragment(patient, id_suffix, care_team=care_team)[0]


def summary_fragment(patient, id_suffix: str, *, care_team: bool = False) -> tuple[str, bool]:
    """The rendered cards, chart and table, and whether there are scans; the care team reads the precise wording
    (rule sources, BMD in g/cm², the LSC), a patient plain words with those details folded away.

    The fragment is cached under a hash of every value it shows, so any change to a scan, a facility's LSC, a
    medication course or the patient's due date gives a new key (the same queries either way).
    """
    values = history_values(patient)
    spans = medication_spans(patient)
    inputs = (
        PANEL_CACHE_VERSION,
        id_suffix,
        care_team,
        patient.pk,
        patient.sex,
        patient.menopausal_status,
        patient.date_of_birth,
        patient.next_scan_due_on,
        patient.next_scan_due_rule,
        patient.scan_interval_months,
        patient.goal_t_score,
        patient.no_scan_yet,  # the empty state's wording
        local_today(patient.user),  # R13's wording of a projected date already past
        current_style(),  # the viewer's date style: the fragment shows dates
        values,
        spans,
    )
    key = "dexa:summary:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        summary = bone_summary(patient, history_from_values(values), spans)
        html = render_to_string(
            "dexa/_bone_summary.html",
            {"summary": summary, "id_suffix": id_suffix, "figure_id": f"dexa-figure-{id_suffix}", "care_team": care_team},
        )
        cache.set(key, html, PANEL_CACHE_SECONDS)
    return mark_safe(html), bool(values)  # noqa: S308 - rendered by our own autoescaping template above


def dashboard_panel(request, patient, today) -> dict:
    return {
        "template": "dexa/_dashboard_panel.html",
        "patient": patient,
        "body": summary_html(patient, "dash", care_team=request.user.is_care_team),
    }
