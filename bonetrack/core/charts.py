"""Handing a Plotly figure to a page: `|json_script` writes it and static/js/charts.js draws it."""

import json
from collections.abc import Mapping

import plotly.graph_objects as go
import plotly.io as pio


def figure_json(figure: go.Figure | Mapping) -> dict:
    """The figure as plain JSON data, for `{{ figure|json_script:"…" }}`.

    Takes a `go.Figure` or the same figure as a plain `{"data": …, "layout": …}` dict. Plotly's encoder turns dates,
    Decimals and numpy values into JSON types. NOTE: a dict is not validated again (pages render their charts on every
    request; the chart tests build the `go.Figure`, which validates every property).
    """
    return json.loads(pio.to_json(figure, validate=False))
