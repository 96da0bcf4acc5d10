"""figure_json: the one way a Plotly figure reaches a page's `|json_script`."""

import datetime as dt
import json
from decimal import Decimal

import plotly.graph_objects as go

from bonetrack.core.charts import figure_json


def test_a_figure_becomes_plotlys_own_json():
    figure = go.Figure(data=[{"type": "bar", "x": [dt.date(2024, 3, 1)], "y": [Decimal("1.5")]}], layout={"height": 320})
    data = figure_json(figure)
    assert data == json.loads(figure.to_json())
    assert data["data"][0]["x"] == ["2024-03-01"] and data["data"][0]["y"] == [1.5]
    assert data["layout"]["height"] == 320


def test_plain_figure_data_becomes_json_types_without_validation():
    plain = {
        "data": [{"type": "scatter", "x": [dt.date(2024, 3, 1)], "y": [Decimal("-2.6")], "hovertext": ["<b>Spine</b>"]}],
        # Not a Plotly property: a validating pass would refuse it, the page data keeps it.
        "layout": {"bonetrack_note": "kept"},
    }
    data = figure_json(plain)
    assert data == {
        "data": [{"type": "scatter", "x": ["2024-03-01"], "y": [-2.6], "hovertext": ["<b>Spine</b>"]}],
        "layout": {"bonetrack_note": "kept"},
    }
    assert json.loads(json.dumps(data)) == data
