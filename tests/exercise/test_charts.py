import datetime as dt
from decimal import Decimal

from exercise.charts import OK, PRIMARY, build_days_figure, build_load_progression_figure, build_weight_bearing_figure
from exercise.goals import DayCategory, weekly_history

MON = dt.date(2026, 11, 2)


def _history():
    rows = [
        DayCategory(MON, "weight_bearing", 150),
        DayCategory(MON, "resistance"),
        DayCategory(MON + dt.timedelta(days=8), "weight_bearing", 40),
        DayCategory(MON + dt.timedelta(days=8), "posture"),
        DayCategory(MON + dt.timedelta(days=9), "posture"),
    ]
    return weekly_history(rows, [MON, MON + dt.timedelta(weeks=1)])


def test_weight_bearing_figure_marks_met_weeks_and_the_goal_line():
    figure = build_weight_bearing_figure(_history())
    [bars] = figure.data
    assert list(bars.x) == ["2026-11-02", "2026-11-09"]
    assert list(bars.y) == [150, 40]
    assert list(bars.marker.color) == [OK, PRIMARY]
    [line] = figure.layout.shapes
    assert (line.y0, line.y1) == (150, 150)


def test_days_figure_has_one_trace_per_day_goal():
    figure = build_days_figure(_history())
    assert [(trace.name, list(trace.y)) for trace in figure.data] == [
        ("Resistance days", [1, 0]),
        ("Balance days", [0, 0]),
        ("Posture days", [0, 2]),
    ]
    assert figure.layout.barmode == "group"
    assert figure.layout.shapes[0].y0 == 2


def test_load_progression_figure():
    rows = [{"date": MON, "max_load_kg": Decimal("10.0")}, {"date": MON + dt.timedelta(days=7), "max_load_kg": Decimal("12.5")}]
    [line] = build_load_progression_figure(rows).data
    assert list(line.x) == ["2026-11-02", "2026-11-09"] and list(line.y) == [10.0, 12.5]
    assert line.type == "scatter" and line.mode == "lines+markers"
