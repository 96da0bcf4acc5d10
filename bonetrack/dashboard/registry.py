"""Dashboard panels. An app contributes one by shipping `<app>/panels.py`:

    ORDER = 10
    def dashboard_panel(request, patient, today) -> dict | None:
        return {"template": "dexa/_dashboard_panel.html", ...context}

Panels should fetch what they need in a fixed number of queries (the dashboard's budget is pinned by tests).
"""

from bonetrack.core.hooks import app_modules


def collect_panels(request, patient, today) -> list[dict]:
    panels = []
    for module in app_modules("panels"):
        panel = module.dashboard_panel(request, patient, today)
        if panel:
            panels.append(panel)
    return panels
