"""Dashboard panels. An app contributes one with a `panels.py` module listed in DASHBOARD_PANELS:

    def dashboard_panel(request, patient, today) -> dict | None:
        return {"template": "dexa/_dashboard_panel.html", ...context}

Panels should fetch what they need in a fixed number of queries (the dashboard's budget is pinned by tests).
"""

from bonetrack.progress import panels as progress_panels
from bonetrack.risk import panels as risk_panels
from bonetrack.treatment import panels as treatment_panels
from dexa import panels as dexa_panels
from exercise import panels as exercise_panels
from nutrition import panels as nutrition_panels

from . import panels as checklist_panels

# Top to bottom on the patient's dashboard.
DASHBOARD_PANELS = (
    checklist_panels,
    treatment_panels,
    risk_panels,
    dexa_panels,
    progress_panels,
    nutrition_panels,
    exercise_panels,
)


def collect_panels(request, patient, today) -> list[dict]:
    panels = []
    for module in DASHBOARD_PANELS:
        panel = module.dashboard_panel(request, patient, today)
        if panel:
            panels.append(panel)
    return panels
