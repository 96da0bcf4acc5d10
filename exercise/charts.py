"""Pure chart builders: rows in, Plotly figure out (basic bundle: bar and scatter only)."""

import datetime as dt

import plotly.graph_objects as go

from .goals import WEIGHT_BEARING_MINUTES, GoalProgress

PRIMARY, OK, MUTED, BALANCE, POSTURE = "#0b6e69", "#1d6b35", "#4f5f6b", "#1f4f8f", "#8a5300"


def _layout(fig: go.Figure, *, y_title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 48, "r": 12, "t": 12, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 13, "color": "#1c2a33"},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": y_title}, "gridcolor": "#e7ecef", "rangemode": "tozero"},
        xaxis={"gridcolor": "#f1f4f6"},
    )
    return fig


def _goal(goals: list[GoalProgress], key: str) -> GoalProgress:
    return next(goal for goal in goals if goal.key == key)


def build_weight_bearing_figure(history: list[tuple[dt.date, list[GoalProgress]]]) -> go.Figure:
    """Weight-bearing minutes (bouts ≥ 10 min) per week, with the 150-minute goal as a line."""
    weeks = [start.isoformat() for start, _ in history]
    minutes = [_goal(goals, "weight_bearing").value for _, goals in history]
    fig = go.Figure(
        go.Bar(
            x=weeks,
            y=minutes,
            name="Weight-bearing minutes",
            marker_color=[OK if m >= WEIGHT_BEARING_MINUTES else PRIMARY for m in minutes],
            hovertemplate="Week of %{x|%d %b}: %{y} min<extra></extra>",
        )
    )
    fig.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        y0=WEIGHT_BEARING_MINUTES,
        y1=WEIGHT_BEARING_MINUTES,
        line={"color": MUTED, "dash": "dash", "width": 2},
    )
    fig.update_xaxes(tickformat="%d %b", type="date")
    top = max([WEIGHT_BEARING_MINUTES, *minutes]) * 1.15
    fig.update_yaxes(range=[0, top])
    return _layout(fig, y_title="Minutes per week")


def build_days_figure(history: list[tuple[dt.date, list[GoalProgress]]]) -> go.Figure:
    """Days per week with resistance, balance and posture work (grouped bars)."""
    weeks = [start.isoformat() for start, _ in history]
    fig = go.Figure()
    for key, name, colour in (
        ("resistance", "Resistance days", PRIMARY),
        ("balance", "Balance days", BALANCE),
        ("posture", "Posture days", POSTURE),
    ):
        fig.add_trace(
            go.Bar(
                x=weeks,
                y=[_goal(goals, key).value for _, goals in history],
                name=name,
                marker_color=colour,
                hovertemplate=f"Week of %{{x|%d %b}}: %{{y}} {name.lower()}<extra></extra>",
            )
        )
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=2, y1=2, line={"color": MUTED, "dash": "dash", "width": 2})
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat="%d %b", type="date")
    fig.update_yaxes(range=[0, 7.5], dtick=1)
    return _layout(fig, y_title="Days per week")


def build_load_progression_figure(rows: list[dict]) -> go.Figure:
    """Heaviest load (kg) per session date for one resistance exercise; rows have `date` and `max_load_kg`."""
    fig = go.Figure(
        go.Scatter(
            x=[row["date"].isoformat() for row in rows],
            y=[float(row["max_load_kg"]) for row in rows],
            mode="lines+markers",
            name="Heaviest load",
            line={"color": PRIMARY, "width": 2},
            marker={"size": 7},
            hovertemplate="%{x|%d %b %Y}: %{y:.1f} kg<extra></extra>",
        )
    )
    fig.update_xaxes(type="date")
    return _layout(fig, y_title="Load (kg)")
