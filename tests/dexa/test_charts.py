import datetime as dt
from decimal import Decimal as D

import pytest

from bonetrack.core.charts import figure_json
from dexa.charts import Span, build_tscore_figure, tscore_figure_data


def row(day, site, t, **extra):
    return {
        "date": day,
        "site": site,
        "site_label": site.replace("_", " "),
        "side": "",
        "t_score": D(t),
        "bmd": D("0.800"),
        "change": "+0.010 g/cm² (+1.3%)",
        "significance": "Stable",
        "improvement": "",
        **extra,
    }


ROWS = [
    row(dt.date(2018, 1, 1), "lumbar_spine", "-2.8"),
    row(dt.date(2018, 1, 1), "femoral_neck", "-2.4"),
    row(dt.date(2020, 1, 1), "lumbar_spine", "-2.3", improvement="Moved out of the osteoporosis range"),
    row(dt.date(2020, 1, 1), "femoral_neck", "-2.2"),
    row(dt.date(2022, 1, 1), "total_hip", "-1.5"),
]


def _bands(fig):
    return {shape.name: shape for shape in fig.layout.shapes if shape.type == "rect"}


def test_one_trace_per_site_with_a_marker_per_scan():
    fig = build_tscore_figure(ROWS)
    assert [trace.name for trace in fig.data] == ["Lumbar spine (L1–L4)", "Total hip", "Femoral neck"]
    assert [len(trace.x) for trace in fig.data] == [2, 1, 2]
    assert all("markers" in trace.mode for trace in fig.data)
    assert list(fig.data[0].y) == [-2.8, -2.3]


def test_band_edges_are_exactly_minus_one_and_minus_two_and_a_half():
    fig = build_tscore_figure(ROWS)
    bands = _bands(fig)
    low, high = fig.layout.yaxis.range
    assert bands["Normal (T ≥ −1.0)"].y0 == -1.0
    assert bands["Normal (T ≥ −1.0)"].y1 == high
    assert (bands["Osteopenia (−2.5 < T < −1.0)"].y0, bands["Osteopenia (−2.5 < T < −1.0)"].y1) == (-2.5, -1.0)
    assert bands["Osteoporosis (T ≤ −2.5)"].y0 == low
    assert bands["Osteoporosis (T ≤ −2.5)"].y1 == -2.5
    assert sorted(s.y0 for s in fig.layout.shapes if s.type == "line") == [-2.5, -1.0]


def test_bands_are_labelled_beside_the_plot_and_improvements_marked():
    fig = build_tscore_figure(ROWS)
    annotations = fig.layout.annotations
    # In the right margin (paper x = 1, text to the right of it), never on the lines; each carries its band's name,
    # which static/js/charts.js uses to name the band in the legend instead on a phone.
    beside = {a.name: (a.text, a.xref, a.x, a.xanchor) for a in annotations if a.xref == "paper"}
    assert beside == {
        "Normal (T ≥ −1.0)": ("<b>Normal</b><br>T ≥ −1.0", "paper", 1, "left"),
        "Osteopenia (−2.5 < T < −1.0)": ("<b>Osteopenia</b><br>−2.5 < T < −1.0", "paper", 1, "left"),
        "Osteoporosis (T ≤ −2.5)": ("<b>Osteoporosis</b><br>T ≤ −2.5", "paper", 1, "left"),
    }
    assert set(beside) <= set(_bands(fig))
    assert fig.layout.margin.r >= 100
    (mark,) = [a for a in annotations if a.text == "★ Improvement"]
    assert (mark.x, mark.y, mark.hovertext) == ("2020-01-01", -2.3, "Moved out of the osteoporosis range")


def test_every_label_is_at_least_12_px():
    fig = build_tscore_figure(ROWS, spans=[Span(dt.date(2018, 2, 1), dt.date(2021, 2, 1), "Alendronate")], goal=D("-2.0"))
    assert len(fig.layout.annotations) == 5  # three bands, a medication, an improvement
    assert all(a.font.size >= 12 for a in fig.layout.annotations)
    assert fig.layout.font.size >= 12


@pytest.mark.parametrize(
    ("until", "spans", "expected"),
    [
        # 2018-01-01 to the due date 2024-01-01: 2191 days, 4% of it (87 days) before the first scan; ends on the due date.
        (dt.date(2024, 1, 1), (), ["2017-10-06", "2024-01-01"]),
        # No due date: 1461 days shown, 58 days either side of the scans.
        (None, (), ["2017-11-04", "2022-02-28"]),
        # Due 19 days after the last scan, inside the 59 days kept clear of a marker: the axis ends after the pad.
        (dt.date(2022, 1, 20), (), ["2017-11-03", "2022-03-01"]),
        # Overdue: a course runs on past the due date to 1 Jun 2024 (2343 days shown, 93 days of pad).
        (dt.date(2024, 1, 1), (Span(dt.date(2023, 1, 1), dt.date(2024, 6, 1), "Alendronate"),), ["2017-09-30", "2024-09-02"]),
    ],
)
def test_the_time_axis_ends_at_the_next_scan_due(until, spans, expected):
    assert build_tscore_figure(ROWS, spans=spans, until=until).layout.xaxis.range == tuple(expected)


def test_hover_has_date_site_t_bmd_change_and_significance():
    hover = build_tscore_figure(ROWS).data[0].hovertext[0]
    for text in ("1 Jan 2018", "lumbar spine", "T-score -2.8", "BMD 0.800 g/cm²", "+0.010 g/cm²", "Stable"):
        assert text in hover


@pytest.mark.parametrize(("t", "low_below"), [("-6.5", -6.5), ("-1.0", -3.5)])
def test_y_range_always_shows_every_band_and_point(t, low_below):
    fig = build_tscore_figure([row(dt.date(2020, 1, 1), "lumbar_spine", t)])
    low, high = fig.layout.yaxis.range
    assert low < low_below
    assert high > -1.0


def test_spans_are_drawn_behind_the_lines():
    fig = build_tscore_figure(ROWS, spans=[Span(dt.date(2018, 2, 1), dt.date(2021, 2, 1), "Alendronate")])
    span = _bands(fig)["Alendronate"]
    assert (span.xref, span.layer) == ("x", "below")
    assert len(fig.data) == 3


def test_empty_rows_give_bands_and_no_traces():
    fig = build_tscore_figure([])
    assert len(fig.data) == 0
    assert len(_bands(fig)) == 3


def test_page_json_is_the_validated_figure():
    data = figure_json(tscore_figure_data(ROWS))
    fig = build_tscore_figure(ROWS)  # plotly validates every property here
    assert [t["name"] for t in data["data"]] == [t.name for t in fig.data]
    assert len(data["layout"]["shapes"]) == len(fig.layout.shapes) == 5
