import datetime as dt
from decimal import Decimal

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.dates import add_months
from nutrition.models import LogItem
from nutrition.timeline import timeline_events
from nutrition.worklist import annotate
from tests.nutrition.factories import CalciumSupplementFactory, FoodFactory, LogItemFactory, TargetOverrideFactory


def _calcium_day(patient, day, mg, **food):
    """100 g of a food with `mg` calcium per 100 g."""
    LogItemFactory(patient=patient, day=day, food=FoodFactory(calcium_mg=mg, **food), quantity=100)


def test_adherence_counts_days_at_or_above_target(patient, today, django_assert_num_queries):
    # A woman of 68: target 1200 mg.
    for offset in range(10):
        _calcium_day(patient, today - dt.timedelta(days=offset), 1200 if offset < 6 else 1199)
    _calcium_day(patient, today - dt.timedelta(days=40), 5000)  # outside the 30 days
    _calcium_day(patient, today - dt.timedelta(days=7), 500, description="Spinach", high_oxalate=True)
    supplement = CalciumSupplementFactory(patient=patient, amount_per_unit=Decimal(1))
    LogItem.from_supplement(patient=patient, day=today - dt.timedelta(days=8), supplement=supplement).save()  # 1199 + 1 = 1200
    with django_assert_num_queries(1):
        row = annotate(PatientProfile.objects.filter(pk=patient.pk), today).get()
    assert row.calcium_days_met_30d == 7
    assert row.calcium_adherence_30d == 23


def test_adherence_respects_the_override(patient, today, clinician):
    for offset in range(3):
        _calcium_day(patient, today - dt.timedelta(days=offset), 1000)
    assert annotate(PatientProfile.objects.filter(pk=patient.pk), today).get().calcium_days_met_30d == 0
    TargetOverrideFactory(patient=patient, nutrient="calcium_mg", value=900, set_by=clinician)
    assert annotate(PatientProfile.objects.filter(pk=patient.pk), today).get().calcium_days_met_30d == 3


def test_monthly_timeline_events(patient, today):
    first_of_month = today.replace(day=1)
    last_month = first_of_month - dt.timedelta(days=1)
    _calcium_day(patient, last_month, 1300)
    _calcium_day(patient, last_month - dt.timedelta(days=1), 1100)
    _calcium_day(patient, first_of_month, 600)
    events = timeline_events(patient, before=None, limit=10, kinds={"nutrition_month"})
    assert [e.extra["days"] for e in events] == [1, 2]
    assert events[1].extra["calcium"] == 1200
    assert "2 days logged. Average calcium 1200 mg a day (target 1200)" in events[1].body
    assert events[0].when > events[1].when
    older = timeline_events(patient, before=events[0].when, limit=10, kinds={"nutrition_month"})
    assert len(older) == 1 and older[0].title == events[1].title
    assert timeline_events(patient, before=None, limit=10, kinds={"scan"}) == []


def test_monthly_events_read_only_the_months_a_page_shows_unless_logging_has_gaps(
    patient, today, django_assert_max_num_queries
):
    # Logged every month for two years: a page of 3 aggregates the last 3 months only (one query on the log items,
    # one for the care team's target overrides).
    first = today.replace(day=1)
    months = []
    for back in range(24):
        months.append(add_months(first, -back))
        _calcium_day(patient, months[-1], 1000)
    with django_assert_max_num_queries(2) as queries:
        events = timeline_events(patient, before=None, limit=3, kinds={"nutrition_month"})
    log_queries = [q["sql"] for q in queries.captured_queries if "nutrition_logitem" in q["sql"]]
    assert len(log_queries) == 1
    assert str(months[2]) in log_queries[0]  # bounded by the window's first day
    assert [e.extra["month"] for e in events] == months[:3]


def test_monthly_events_reach_back_past_a_long_gap(patient, today):
    # Nothing in the last three years: the older months are still found.
    long_ago = today.replace(day=1) - dt.timedelta(days=3 * 366)
    _calcium_day(patient, long_ago, 900)
    events = timeline_events(patient, before=None, limit=5, kinds={"nutrition_month"})
    assert [e.extra["month"] for e in events] == [long_ago.replace(day=1)]
