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


def test_bands_are_labelled_and_improvements_marked():
    annotations = build_tscore_figure(ROWS).layout.annotations
    texts = [a.text for a in annotations]
    assert "<b>Normal</b><br>T ≥ −1.0" in texts
    assert "<b>Osteopenia</b><br>−2.5 < T < −1.0" in texts
    assert "<b>Osteoporosis</b><br>T ≤ −2.5" in texts
    (mark,) = [a for a in annotations if a.text == "★ Improvement"]
    assert (mark.x, mark.y, mark.hovertext) == ("2020-01-01", -2.3, "Moved out of the osteoporosis range")


def test_time_axis_leaves_room_for_the_labels_right_of_the_last_scan():
    start, end = build_tscore_figure(ROWS).layout.xaxis.range
    assert start < "2018-01-01"
    assert end > "2022-12-01"


def test_hover_has_date_site_t_bmd_change_and_significance():
    hover = build_tscore_figure(ROWS).data[0].hovertext[0]
    for text in ("01 Jan 2018", "lumbar spine", "T-score -2.8", "BMD 0.800 g/cm²", "+0.010 g/cm²", "Stable"):
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
