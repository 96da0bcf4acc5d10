"""Pure chart builders: rows in, Plotly figure out (basic bundle: bar and scatter only).

NOTE: each figure is built in one `go.Figure(data, layout)` call from plain dicts; plotly validates on every
`update_*` call, and building step by step cost several times more per page.
"""

import datetime as dt

import plotly.graph_objects as go

from bonetrack.core.date_display import chart_day_format

from .goals import BALANCE_DAYS, RESISTANCE_DAYS, WEIGHT_BEARING_MINUTES, GoalProgress

PRIMARY, OK, MUTED, BALANCE, POSTURE = "#0b6e69", "#1d6b35", "#4f5f6b", "#1f4f8f", "#8a5300"


def _layout(*, y_title: str, y_range: list, shapes: list, **extra) -> dict:
    return {
        "height": 320,
        "margin": {"l": 48, "r": 12, "t": 12, "b": 40},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1c2a33"},
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"gridcolor": "#f1f4f6", "type": "date", "tickformat": "%d %b"},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e7ecef", "range": y_range},
        "shapes": shapes,
        **extra,
    }


def _goal_line(value: float) -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": value,
        "y1": value,
        "line": {"color": MUTED, "dash": "dash", "width": 2},
    }


def _values(history: list[tuple[dt.date, list[GoalProgress]]], key: str) -> list[int]:
    return [next(goal.value for goal in goals if goal.key == key) for _, goals in history]


def build_weight_bearing_figure(history: list[tuple[dt.date, list[GoalProgress]]]) -> go.Figure:
    """Weight-bearing minutes (bouts ≥ 10 min) per week, with the 150-minute goal as a dashed line."""
    minutes = _values(history, "weight_bearing")
    bars = {
        "type": "bar",
        "x": [start.isoformat() for start, _ in history],
        "y": minutes,
        "name": "Weight-bearing minutes",
        "marker": {"color": [OK if m >= WEIGHT_BEARING_MINUTES else PRIMARY for m in minutes]},
        "hovertemplate": f"Week of %{{x|{chart_day_format(year=False)}}}: %{{y}} min<extra></extra>",
    }
    top = max([WEIGHT_BEARING_MINUTES, *minutes]) * 1.15
    return go.Figure(
        data=[bars], layout=_layout(y_title="Minutes per week", y_range=[0, top], shapes=[_goal_line(WEIGHT_BEARING_MINUTES)])
    )


def build_days_figure(history: list[tuple[dt.date, list[GoalProgress]]]) -> go.Figure:
    """Days per week with resistance, balance and posture work (grouped bars); the 2-day goal as a dashed line."""
    weeks = [start.isoformat() for start, _ in history]
    traces = [
        {
            "type": "bar",
            "x": weeks,
            "y": _values(history, key),
            "name": name,
            "marker": {"color": colour},
            "hovertemplate": f"Week of %{{x|{chart_day_format(year=False)}}}: %{{y}} {name.lower()}<extra></extra>",
        }
        for key, name, colour in (
            ("resistance", "Resistance days", PRIMARY),
            ("balance", "Balance days", BALANCE),
            ("posture", "Posture days", POSTURE),
        )
    ]
    goal = min(RESISTANCE_DAYS, BALANCE_DAYS)
    layout = _layout(y_title="Days per week", y_range=[0, 7.5], shapes=[_goal_line(goal)], barmode="group")
    layout["yaxis"]["dtick"] = 1
    return go.Figure(data=traces, layout=layout)


def build_load_progression_figure(rows: list[dict]) -> go.Figure:
    """Heaviest load (kg) per session date for one resistance exercise; rows have `date` and `max_load_kg`."""
    loads = [float(row["max_load_kg"]) for row in rows]
    line = {
        "type": "scatter",
        "x": [row["date"].isoformat() for row in rows],
        "y": loads,
        "mode": "lines+markers",
        "name": "Heaviest load",
        "line": {"color": PRIMARY, "width": 2},
        "marker": {"size": 7},
        "hovertemplate": f"%{{x|{chart_day_format()}}}: %{{y:.1f}} kg<extra></extra>",
    }
    layout = _layout(y_title="Load (kg)", y_range=[0, max(loads, default=10) * 1.15], shapes=[])
    layout["xaxis"]["tickformat"] = "%b %Y"
    return go.Figure(data=[line], layout=layout)
