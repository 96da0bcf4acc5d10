"""Pure chart builders: daily intake from food and supplements, stacked, against the target line."""

import plotly.graph_objects as go

FOOD_COLOUR = "#0b6e69"
SUPPLEMENT_COLOUR = "#7fb8b4"
TARGET_COLOUR = "#b42318"


def _value(row, key):
    if row is None or row.get(key) is None:
        return None
    return float(row[key])


def build_intake_figure(series: list[dict], prefix: str, title: str) -> go.Figure:
    """`series`: one dict per day with `date`, `row` (daily sums or None) and `<prefix>_target`."""
    dates = [s["date"].isoformat() for s in series]
    figure = go.Figure()
    figure.add_bar(x=dates, y=[_value(s["row"], f"food_{prefix}") for s in series], name="Food", marker_color=FOOD_COLOUR)
    figure.add_bar(
        x=dates, y=[_value(s["row"], f"supplement_{prefix}") for s in series], name="Supplements", marker_color=SUPPLEMENT_COLOUR
    )
    figure.add_scatter(
        x=dates,
        y=[float(s[f"{prefix}_target"]) if s[f"{prefix}_target"] is not None else None for s in series],
        name="Target",
        mode="lines",
        line={"color": TARGET_COLOUR, "width": 2, "dash": "dash", "shape": "hv"},
    )
    figure.update_layout(
        barmode="stack",
        title={"text": title, "x": 0, "font": {"size": 15}},
        margin={"l": 48, "r": 12, "t": 40, "b": 40},
        height=320,
        legend={"orientation": "h", "y": -0.18},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        yaxis={"rangemode": "tozero", "gridcolor": "#e7ecef"},
        xaxis={"type": "date"},
        bargap=0.15,
    )
    return figure
