"""Dashboard panel: today's nutrients against the targets (1 query; 2 when nothing is logged yet)."""

from .summary import day_summary

PANEL_NUTRIENTS = ("calcium_mg", "vitamin_d_iu", "magnesium_mg", "protein_g", "sodium_mg", "caffeine_mg")


def dashboard_panel(request, patient, today) -> dict:
    summary = day_summary(patient, today)
    lines = [line for line in summary.lines if line.key in PANEL_NUTRIENTS and line.target and line.target.value]
    return {"template": "nutrition/_dashboard_panel.html", "patient": patient, "summary": summary, "lines": lines, "today": today}
