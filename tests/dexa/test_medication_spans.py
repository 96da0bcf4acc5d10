"""Medication courses as shaded bands on the T-score chart and as a list under its table."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse

from bonetrack.treatment import services
from dexa.charts import SITE_STYLES, SPAN_STYLES, Span, build_tscore_figure, x_range
from dexa.panels import summary_html
from tests.dexa.test_charts import ROWS
from tests.dexa.test_pages import seed_years
from tests.factories import CourseFactory, DoseFactory

NOW = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


def _spans(layout) -> dict[str, dict]:
    return {shape["name"]: shape for shape in layout["shapes"] if shape.get("xref") == "x" and shape["type"] == "rect"}


def test_one_labelled_band_per_course_behind_the_lines():
    spans = [Span(dt.date(2017, 3, 1), dt.date(2020, 3, 1), "Alendronate"), Span(dt.date(2021, 1, 4), TODAY, "Denosumab")]
    fig = build_tscore_figure(ROWS, spans)  # plotly validates every property
    bands = {shape.name: shape for shape in fig.layout.shapes if shape.xref == "x"}
    assert {name: (b.x0, b.x1, b.yref, b.y0, b.y1, b.layer) for name, b in bands.items()} == {
        "Alendronate": ("2017-03-01", "2020-03-01", "paper", 0, 1, "below"),
        "Denosumab": ("2021-01-04", TODAY.isoformat(), "paper", 0, 1, "below"),
    }
    labels = [a.text for a in fig.layout.annotations if a.xref == "x" and a.yref == "paper"]
    assert labels == ["Alendronate", "Denosumab"]
    assert bands["Alendronate"].fillcolor != bands["Denosumab"].fillcolor


def test_band_colours_are_not_the_site_colours():
    site_rgb = {tuple(int(style["color"][i : i + 2], 16) for i in (1, 3, 5)) for style in SITE_STYLES.values()}
    for fill, _edge in SPAN_STYLES:
        rgb = tuple(int(part) for part in re.findall(r"\d+", fill)[:3])
        assert rgb not in site_rgb


def test_the_time_axis_reaches_back_to_a_course_before_the_first_scan():
    start, _end = x_range(ROWS, [Span(dt.date(2010, 1, 1), dt.date(2012, 1, 1), "Alendronate")])
    assert start < "2010-01-01"
    assert x_range(ROWS)[0] > "2017-01-01"


def _figure(html: str, suffix: str) -> dict:
    found = re.search(rf'<script id="dexa-figure-{suffix}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_dashboard_chart_and_table_show_the_courses(patient_client, patient):
    seed_years(patient, 10)
    CourseFactory(patient=patient, started_on=dt.date(2017, 3, 1), ended_on=dt.date(2020, 3, 1), stop_reason="finished")
    deno = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2024, 3, 1))
    DoseFactory(course=deno, on=dt.date(2025, 3, 1))
    raloxifene = CourseFactory(patient=patient, regimen_slug="raloxifene-60mg-daily", started_on=dt.date(2025, 1, 1))
    assert raloxifene.pk
    html = patient_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()
    spans = _spans(_figure(html, "dash")["layout"])
    assert {name: (s["x0"], s["x1"]) for name, s in spans.items()} == {
        "Alendronate": ("2017-03-01", "2020-03-01"),
        "Denosumab": ("2024-03-01", "2025-09-01"),  # open: to the next dose due, 6 months after the last
        "Raloxifene": ("2025-01-01", "2025-06-15"),  # open, no dose recorded: to today
    }
    table = html[html.index("dexa-medication-list") :]
    table = table[: table.index("</ul>")]
    assert re.findall(r"<li>(\w+):", table) == ["Alendronate", "Denosumab", "Raloxifene"]
    assert '<time datetime="2017-03-01">1 Mar 2017</time> to <time datetime="2020-03-01">1 Mar 2020</time>' in table


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_course_change_redraws_the_cached_chart(patient):
    seed_years(patient, 1)
    before = summary_html(patient, "list")
    assert "dexa-medication-list" not in before
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 1, 8))
    patient = type(patient).objects.select_related("user").get(pk=patient.pk)
    assert "Alendronate" in _spans(_figure(summary_html(patient, "list"), "list")["layout"])
    services.course_stop(course=course, ended_on=dt.date(2025, 1, 6), stop_reason="cost")
    patient = type(patient).objects.select_related("user").get(pk=patient.pk)
    assert _spans(_figure(summary_html(patient, "list"), "list")["layout"])["Alendronate"]["x1"] == "2025-01-06"
