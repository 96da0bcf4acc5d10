"""Every chart is drawn by static/js/charts.js with one configuration that offers no toolbar and no upload."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHARTS_JS = ROOT / "static" / "js" / "charts.js"


def _project_sources():
    for folder, pattern in (("static/js", "*.js"), ("templates", "*.html")):
        yield from (ROOT / folder).rglob(pattern)
    for path in ROOT.rglob("*.py"):
        if ".venv" not in path.parts and "migrations" not in path.parts and "tests" not in path.parts:
            yield path


def test_only_charts_js_calls_plotly():
    callers = [p.relative_to(ROOT) for p in _project_sources() if re.search(r"Plotly\.(react|newPlot|plot)\(", p.read_text())]
    assert callers == [Path("static/js/charts.js")]


def test_the_chart_configuration_has_no_toolbar_upload_or_zoom():
    source = CHARTS_JS.read_text()
    for setting in ("displayModeBar: false", "showSendToCloud: false", "showEditInChartStudio: false", "scrollZoom: false"):
        assert setting in source
    assert "dragmode: false" in source and "fixedrange: true" in source


def test_nothing_switches_the_toolbar_or_upload_back_on():
    pattern = re.compile(r"(displayModeBar|showSendToCloud|showEditInChartStudio|scrollZoom)[\"']?\s*[:=]\s*(true|True)")
    offenders = [p.relative_to(ROOT) for p in _project_sources() if pattern.search(p.read_text())]
    assert offenders == []
