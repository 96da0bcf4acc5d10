"""The T-score trend chart: a pure function of the rows (see history.ScanHistory.rows)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go

from bonetrack.core.date_display import format_day

from . import rules

# Okabe–Ito colours (safe for the common colour-vision deficiencies), each site also with its own marker and dash.
SITE_STYLES = {
    rules.LUMBAR_SPINE: {"color": "#0072B2", "symbol": "circle", "dash": "solid"},
    rules.TOTAL_HIP: {"color": "#D55E00", "symbol": "square", "dash": "dash"},
    rules.FEMORAL_NECK: {"color": "#009E73", "symbol": "diamond", "dash": "dot"},
    rules.RADIUS_33: {"color": "#CC79A7", "symbol": "triangle-up", "dash": "dashdot"},
}
# Bands: light, distinct in lightness as well as hue, and each labelled in the right margin, clear of the lines (on a
# phone static/js/charts.js moves these labels into the legend, see `band_label`).
BANDS = (
    ("Normal (T ≥ −1.0)", float(rules.NORMAL_FROM), None, "rgba(86, 180, 233, 0.10)"),
    ("Osteopenia (−2.5 < T < −1.0)", float(rules.OSTEOPOROSIS_AT), float(rules.NORMAL_FROM), "rgba(230, 159, 0, 0.14)"),
    ("Osteoporosis (T ≤ −2.5)", None, float(rules.OSTEOPOROSIS_AT), "rgba(120, 120, 120, 0.20)"),
)
# R2: premenopausal women and men under 50 are described by Z-score against the −2.0 line, never by T-score bands.
Z_BANDS = (
    ("Expected for age (Z > −2.0)", float(rules.Z_LOW_AT), None, "rgba(86, 180, 233, 0.10)"),
    ("Below expected (Z ≤ −2.0)", None, float(rules.Z_LOW_AT), "rgba(120, 120, 120, 0.20)"),
)
SCORE_KEYS = {"t": "t_score", "z": "z_score"}


# Medication bands: Okabe–Ito yellow, then neutral greys (no hue of the site lines), each edged with a dotted line so
# that neighbouring courses stay apart without relying on colour; every band also carries its drug's name.
SPAN_STYLES = (
    ("rgba(240, 228, 66, 0.30)", "#8a7f00"),
    ("rgba(153, 153, 153, 0.22)", "#4f5f6b"),
    ("rgba(240, 228, 66, 0.14)", "#8a7f00"),
    ("rgba(60, 60, 60, 0.12)", "#1c2a33"),
)


def _iso(day) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else str(day)


@dataclass(frozen=True)
class Span:
    """A shaded period along the time axis (e.g. a medication course), drawn behind the lines."""

    start: object
    end: object
    label: str


def y_range(rows: Sequence[dict], key: str = "t_score") -> tuple[float, float]:
    values = [float(row[key]) for row in rows]
    low = min([*values, -3.5]) - 0.5
    high = max([*values, 0.5]) + 0.5
    return low, high


# Room around the first and last point (a share of the time shown), so that no marker is cut in half at an edge.
X_PAD = 0.04


def x_range(rows: Sequence[dict], spans: Sequence["Span"] = (), until: dt.date | None = None) -> list[str] | None:
    """The time axis: the scans and any medication bands, up to the next scan due (`until`) when that is later: the
    chart ends where the patient's next result will appear, with no empty years after it."""
    if not rows:
        return None
    days = [row["date"] for row in rows] + [day for span in spans for day in (span.start, span.end)]
    first, last = min(days), max(days)
    shown = max((max(last, until) if until else last) - first, dt.timedelta(days=365))
    start = first - shown * X_PAD
    end = until if until and until > last + shown * X_PAD else last + shown * X_PAD
    return [start.isoformat(), end.isoformat()]


def _hover(row: dict, key: str = "t_score") -> str:
    side = f" ({row['side']})" if row.get("side") else ""
    lines = [
        f"<b>{format_day(row['date'])}</b>",
        f"{row['site_label']}{side}",
        f"{key[0].upper()}-score {row[key]:+}",
        f"BMD {row['bmd']} g/cm²",
        f"Change: {row['change']}",
        f"{row['significance']}",
    ]
    if row.get("improvement"):
        lines.append(f"★ {row['improvement']}")
    return "<br>".join(lines)


def goal_label(goal: Decimal) -> str:
    """R13: the goal line's label; the default goal (−2.5) lies on the osteoporosis line, so the label says so."""
    text = f"Your goal: above {goal:.1f}".replace("-", "−")
    return f"{text} (the osteoporosis line)" if goal == rules.OSTEOPOROSIS_AT else text


def goal_shape(goal: Decimal) -> dict:
    """The goal line across the chart, named in the legend (a label in the plot would sit on the lines)."""
    return {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": float(goal),
        "y1": float(goal),
        "line": {"color": "#1c2a33", "width": 2, "dash": "longdash"},
        "layer": "above",
        "name": goal_label(goal).replace(" (", "<br>("),  # two short lines fit a phone's legend
        "showlegend": True,
        "legendrank": 2000,
    }


def band_label(name: str, y: float, text: str) -> dict:
    """A label in the right margin, beside the chart (never on a line). It carries its band's `name`: on a narrow
    chart static/js/charts.js drops it and shows that band in the legend instead."""
    return {
        "xref": "paper",
        "yref": "y",
        "x": 1,
        "xshift": 6,
        "y": y,
        "xanchor": "left",
        "yanchor": "middle",
        "align": "left",
        "text": text,
        "showarrow": False,
        "font": {"size": 12, "color": "#1c2a33"},
        "name": name,
    }


def build_tscore_figure(
    rows: Sequence[dict],
    spans: Sequence[Span] = (),
    goal: Decimal | None = None,
    until: dt.date | None = None,
    score: str = "t",
) -> go.Figure:
    """T-score over time: one line per site, a marker per scan, labelled category bands and improvement marks."""
    return go.Figure(tscore_figure_data(rows, spans, goal, until, score))


def tscore_figure_data(
    rows: Sequence[dict],
    spans: Sequence[Span] = (),
    goal: Decimal | None = None,
    until: dt.date | None = None,
    score: str = "t",
) -> dict:
    """The same figure as plain Plotly data for `bonetrack.core.charts.figure_json` (no validation pass: pages render
    it on every request; `build_tscore_figure` validates it in the tests). `until`: the next scan due, where the time
    axis ends. `score`: "t", or "z" for R2's Z-score population (Z-scores against the −2.0 line, no T-score bands;
    measurements without a Z-score are left out)."""
    key = SCORE_KEYS[score]
    rows = [row for row in rows if row[key] is not None]
    low, high = y_range(rows, key) if rows else (-4.0, 1.0)
    traces = []
    for site, style in SITE_STYLES.items():
        site_rows = [row for row in rows if row["site"] == site]
        if not site_rows:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": [row["date"].isoformat() for row in site_rows],
                "y": [float(row[key]) for row in site_rows],
                "name": rules.SITE_LABELS[site],
                "mode": "lines+markers",
                "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
                "marker": {"symbol": style["symbol"], "size": 10, "color": style["color"], "line": {"width": 1, "color": "#fff"}},
                "hovertext": [_hover(row, key) for row in site_rows],
                "hoverinfo": "text",
            }
        )
    shapes, annotations = [], []
    for label, bottom, top, fill in BANDS if score == "t" else Z_BANDS:
        y0 = low if bottom is None else bottom
        y1 = high if top is None else top
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": y0,
                "y1": y1,
                "fillcolor": fill,
                "line": {"width": 0},
                "layer": "below",
                "name": label,
            }
        )
        name, rule = label.split(" (", 1)
        annotations.append(band_label(label, (y0 + y1) / 2, f"<b>{name}</b><br>{rule.rstrip(')')}"))
    for edge in (rules.NORMAL_FROM, rules.OSTEOPOROSIS_AT) if score == "t" else (rules.Z_LOW_AT,):
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": float(edge),
                "y1": float(edge),
                "line": {"color": "#4f5f6b", "width": 1, "dash": "dot"},
                "layer": "below",
            }
        )
    for index, span in enumerate(spans):
        fill, edge = SPAN_STYLES[index % len(SPAN_STYLES)]
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": _iso(span.start),
                "x1": _iso(span.end),
                "y0": 0,
                "y1": 1,
                "fillcolor": fill,
                "line": {"width": 1, "color": edge, "dash": "dot"},
                "layer": "below",
                "name": span.label,
            }
        )
        # static/js/charts.js steps a label down when it would sit on another (courses running side by side).
        annotations.append(
            {"xref": "x", "yref": "paper", "x": _iso(span.start), "y": 1.0, "yanchor": "top",
             "xanchor": "left", "text": span.label, "showarrow": False, "font": {"size": 12, "color": "#1c2a33"},
             "bgcolor": "rgba(255, 255, 255, 0.7)", "name": span.label}
        )  # fmt: skip
    if goal is not None:
        shapes.append(goal_shape(goal))
    for row in rows:
        if row.get("improvement"):
            annotations.append(
                {
                    "x": row["date"].isoformat(),
                    "y": float(row[key]),
                    "xref": "x",
                    "yref": "y",
                    "text": "★ Improvement",
                    "hovertext": row["improvement"],
                    "showarrow": True,
                    "arrowhead": 2,
                    "ax": 0,
                    "ay": -36,
                    "font": {"size": 12, "color": "#1c2a33"},
                    "bgcolor": "rgba(255,255,255,0.85)",
                }
            )
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "margin": {"l": 56, "r": 128, "t": 36, "b": 48},  # the band labels sit in the right margin
        "yaxis": {"title": {"text": f"{score.upper()}-score"}, "range": [low, high], "zeroline": False, "dtick": 1},
        "xaxis": {"title": {"text": "Scan date"}, "type": "date", "range": x_range(rows, spans, until)},
        # The legend only names things: a click on it hides nothing.
        "legend": {"orientation": "h", "y": -0.2, "itemclick": False, "itemdoubleclick": False},
        "hovermode": "closest",
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "height": 420,
    }
    return {"data": traces, "layout": layout}
