"""The progress page, its query budget, its cache, the dashboard link and the clinician timeline header."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bonetrack.core.dates import add_months
from bonetrack.progress.report import windows_for
from bonetrack.treatment.models import Dose
from dexa.history import load_history
from dexa.models import SiteMeasurement
from nutrition.models import LogItem, Meal
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import CourseFactory, DoseFactory

from .conftest import full_week, log

NOW = dt.datetime(2025, 3, 20, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def _url(patient, **params):
    url = reverse("progress:report", kwargs={"patient_id": patient.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _years_of_data(patient, *, scan_years=10, log_years=5):
    """A scan every 6 months for `scan_years`, a daily food log and weekly doses for `log_years`, a week of exercise a month."""
    facility = FacilityFactory()
    for k in range(2 * scan_years):
        bmd = Decimal("0.800") + Decimal("0.004") * k
        make_scan(
            patient,
            add_months(TODAY, -6 * k - 1),
            {"lumbar_spine": (bmd, "-2.0"), "total_hip": ("0.700", "-1.8")},
            facility=facility,
        )
    start = TODAY - dt.timedelta(days=365 * log_years)
    items, day = [], start
    while day < TODAY:
        for meal, calcium in ((Meal.BREAKFAST, 500), (Meal.LUNCH, 400), (Meal.DINNER, 200 + (day.toordinal() % 3) * 100)):
            items.append(
                LogItem(patient=patient, date=day, meal=meal, description="Milk", unit_label="g", quantity=1, calcium_mg=calcium)
            )
        day += dt.timedelta(days=1)
    LogItem.objects.bulk_create(items)
    course = CourseFactory(patient=patient, started_on=start)
    Dose.objects.bulk_create(
        Dose(course=course, on=start + dt.timedelta(weeks=w), status="taken") for w in range(0, 52 * log_years, 1) if w % 10
    )
    for month in range(0, 12 * log_years, 6):
        full_week(patient, start + dt.timedelta(days=30 * month - (start + dt.timedelta(days=30 * month)).weekday() + 7))


@pytest.fixture
def heavy(patient):
    _years_of_data(patient)
    return patient


@time_machine.travel(NOW, tick=False)
def test_no_scans_shows_the_empty_state(patient_client, patient):
    html = patient_client.get(_url(patient)).content.decode()
    assert "Add your bone density results to see progress." in html
    assert reverse("dexa:scan-add", kwargs={"patient_id": patient.pk}) in html


@time_machine.travel(NOW, tick=False)
def test_one_scan_reports_since_the_scan(patient_client, patient):
    make_scan(patient, dt.date(2024, 3, 1), {"lumbar_spine": ("0.800", "-2.0")})
    log(patient, dt.date(2024, 3, 5), calcium=1300)
    html = patient_client.get(_url(patient)).content.decode()
    assert "Since your last scan in March 2024 you met your calcium target on 100 % of the 1 day you logged food" in html
    assert "You have one scan so far." in html


@time_machine.travel(NOW, tick=False)
def test_the_default_is_the_latest_pair_and_any_window_can_be_chosen(patient_client, patient):
    first = make_scan(patient, dt.date(2021, 3, 1), {"lumbar_spine": ("0.800", "-2.0")})
    second = make_scan(patient, dt.date(2023, 3, 1), {"lumbar_spine": ("0.850", "-1.6")})
    third = make_scan(patient, dt.date(2025, 3, 1), {"lumbar_spine": ("0.820", "-1.8")})
    response = patient_client.get(_url(patient))
    assert response.context_data["window"].key == f"{second.pk}-{third.pk}"
    assert [w.key for w in response.context_data["windows"]] == [
        f"{first.pk}-{second.pk}",
        f"{second.pk}-{third.pk}",
        f"{third.pk}-today",
    ]
    assert "your spine lost significantly (−3.5 %)" in response.content.decode()
    chosen = patient_client.get(_url(patient, window=f"{first.pk}-{second.pk}"))
    assert "your spine gained significantly (+6.2 %)" in chosen.content.decode()
    # A pair that is not consecutive, or not the patient's, is not found.
    assert patient_client.get(_url(patient, window=f"{first.pk}-{third.pk}")).status_code == 404
    assert patient_client.get(_url(patient, window="nonsense")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_htmx_swaps_only_the_report(patient_client, patient):
    make_scan(patient, dt.date(2023, 3, 1), {"lumbar_spine": ("0.800", "-2.0")})
    make_scan(patient, dt.date(2025, 3, 1), {"lumbar_spine": ("0.800", "-2.0")})
    html = patient_client.get(_url(patient), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="report"')
    assert "<select" not in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["patient", "clinician"])
def test_query_count_is_fixed_and_the_second_view_is_served_from_cache(
    client, heavy, clinician, who, django_assert_max_num_queries
):
    client.force_login(heavy.user if who == "patient" else clinician)
    since = windows_for(load_history(heavy), TODAY)[-1]
    # session, user, patient, scans, the window's inputs (fingerprint and latest 25(OH)D), then four parts: courses
    # with doses, food days, exercise days, falls and fractures; ATOMIC_REQUESTS' savepoint pair, and a clinician's
    # audit row.
    with django_assert_max_num_queries(12) as first:
        response = client.get(_url(heavy, window=since.key))
    assert response.status_code == 200
    # Dinner brings the day to 1100, 1200 or 1300 mg as the day's ordinal goes round by 3: below her 1200 mg on a third.
    logged = [since.start + dt.timedelta(days=n) for n in range((TODAY - since.start).days)]
    met = sum(day.toordinal() % 3 != 0 for day in logged)
    assert f"met your calcium target on {round(100 * met / len(logged))} % of the {len(logged)} days" in response.content.decode()
    with django_assert_max_num_queries(12) as second:
        client.get(_url(heavy, window=since.key))
    assert len(first.captured_queries) - len(second.captured_queries) == 4


@time_machine.travel(NOW, tick=False)
def test_an_edit_in_the_window_changes_the_cached_report(patient_client, patient):
    facility = FacilityFactory()
    make_scan(patient, dt.date(2024, 3, 1), {"lumbar_spine": ("0.800", "-2.0")}, facility=facility)
    later = make_scan(patient, dt.date(2024, 3, 10), {"lumbar_spine": ("0.800", "-2.0")}, facility=facility)
    item = log(patient, dt.date(2024, 3, 5), calcium=1000)  # below her 1200 mg (she is 65)
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 3, 4))  # due 4 March only

    def summary():
        return patient_client.get(_url(patient)).context_data["summary"]

    assert "took 0 % of your alendronate doses, met your calcium target on 0 % of the 1 day" in summary()
    item.calcium_mg = Decimal(1200)
    item.save()
    assert "met your calcium target on 100 % of the 1 day" in summary()
    dose = DoseFactory(course=course, on=dt.date(2024, 3, 4))
    assert "took 100 % of your alendronate doses" in summary()
    dose.status = "missed"
    dose.save()
    assert "took 0 % of your alendronate doses" in summary()
    SiteMeasurement.objects.filter(scan=later).update(bmd=Decimal("0.850"))
    assert "your spine gained significantly (+6.2 %)" in summary()


@time_machine.travel(NOW, tick=False)
def test_dashboard_links_to_the_report(patient_client, patient):
    html = patient_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()
    assert f'href="{_url(patient)}"' in html
    nav = patient_client.get(_url(patient)).content.decode()
    assert 'aria-current="page"' in nav.split(">Progress<")[0].rsplit("<a", 1)[1]


@time_machine.travel(NOW, tick=False)
def test_clinician_timeline_shows_the_summary_and_a_link(clinician_client, patient):
    make_scan(patient, dt.date(2023, 3, 1), {"total_hip": ("0.700", "-2.0")})
    make_scan(patient, dt.date(2025, 3, 1), {"total_hip": ("0.729", "-1.8")})
    full_week(patient, dt.date(2024, 6, 10))
    response = clinician_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    [header] = [h for h in response.context_data["headers"] if h["template"] == "progress/_timeline_header.html"]
    assert header["summary"].startswith("Between March 2023 and March 2025 your total hip gained significantly (+4.1 %).")
    assert "met your exercise goals in 1 of 103 weeks" in header["summary"]
    html = response.content.decode()
    assert "Full progress report" in html and _url(patient) in html


@time_machine.travel(NOW, tick=False)
def test_clinician_timeline_without_scans_has_no_progress_header(clinician_client, patient):
    response = clinician_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk}))
    assert all(h["template"] != "progress/_timeline_header.html" for h in response.context_data["headers"])
