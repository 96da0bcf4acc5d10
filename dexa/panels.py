"""The patient dashboard's bone density panel: chart, table and the summary cards, in one query."""

from . import rules
from .charts import figure_json
from .history import ScanHistory, load_history

ORDER = 10


def bone_summary(patient, history: ScanHistory | None = None) -> dict:
    """Everything the cards, chart and table show, from the scans (one query) and the profile already loaded."""
    history = history if history is not None else load_history(patient)
    latest = history.latest
    rows = history.rows()
    population = None
    if latest is not None:
        population = rules.score_population(
            sex=patient.sex, menopausal_status=patient.menopausal_status, age=patient.age_on(latest.scanned_on)
        )
    return {
        "patient": patient,
        "history": history,
        "latest": latest,
        "rows": rows,
        "table_rows": list(reversed(rows)),
        "figure": figure_json(rows) if rows else None,
        "improvements": history.improvements(),
        "population_note": population.note if population else "",
        "uses_t_score": population.uses_t_score if population else True,
        "lowest_site_label": rules.SITE_LABELS.get(latest.lowest_t_site, "") if latest else "",
        "interval_set_by_clinician": bool(patient.scan_interval_months),
    }


def dashboard_panel(request, patient, today) -> dict:
    return {"template": "dexa/_dashboard_panel.html", "summary": bone_summary(patient), "today": today}
