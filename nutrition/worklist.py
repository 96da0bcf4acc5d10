"""Clinician worklist column: 30-day calcium adherence.

The share of the last 30 local days (today included) on which the countable calcium (food other than
high-oxalate foods, plus ticked supplements) reached the patient's calcium target. The target is the care team's
override when set, otherwise R7 by sex and by age on `today` (a birthday inside the 30 days is not split).
Days with nothing logged count as not reached. Annotated in SQL: no query per patient.
"""

import datetime as dt

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from bonetrack.core.worklist import WorklistColumn, WorklistFilter

from .models import LogItem, NutrientTargetOverride

WINDOW_DAYS = 30

COLUMNS = [
    WorklistColumn("calcium_adherence_30d", "30-day calcium adherence", order=30, template="nutrition/_worklist_adherence.html")
]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def calcium_target_expression(today: dt.date):
    """R7 calcium target by sex and age on `today`, or the care team's override."""
    default = Case(
        When(date_of_birth__gt=_years_before(today, 19), then=Value(1300)),
        When(sex="female", date_of_birth__lte=_years_before(today, 51), then=Value(1200)),
        When(sex="male", date_of_birth__lte=_years_before(today, 71), then=Value(1200)),
        default=Value(1000),
        output_field=DecimalField(max_digits=8, decimal_places=1),
    )
    override = Subquery(NutrientTargetOverride.objects.filter(patient=OuterRef("pk"), nutrient="calcium_mg").values("value")[:1])
    return Coalesce(override, default, output_field=DecimalField(max_digits=8, decimal_places=1))


def annotate(patients: QuerySet, today: dt.date) -> QuerySet:
    start = today - dt.timedelta(days=WINDOW_DAYS - 1)
    patients = patients.annotate(nutrition_calcium_target=calcium_target_expression(today))
    # For each logged item in the window, its day's countable calcium; then count the distinct days at target.
    day_total = (
        LogItem.objects.filter(patient=OuterRef("patient"), date=OuterRef("date"), high_oxalate=False)
        .values("patient")
        .annotate(total=Sum("calcium_mg"))
        .values("total")
    )
    days_met = (
        LogItem.objects.filter(patient=OuterRef("pk"), date__range=(start, today))
        .annotate(day_calcium=Subquery(day_total))
        .filter(day_calcium__gte=OuterRef("nutrition_calcium_target"))
        .values("patient")
        .annotate(days=Count("date", distinct=True))
        .values("days")
    )
    return patients.annotate(
        calcium_days_met_30d=Coalesce(Subquery(days_met, output_field=IntegerField()), 0),
        calcium_adherence_30d=ExpressionWrapper(F("calcium_days_met_30d") * 100 / WINDOW_DAYS, output_field=IntegerField()),
    )


FILTERS = [
    WorklistFilter(
        "calcium_low",
        "Calcium target reached on fewer than half of the last 30 days",
        lambda today: Q(calcium_adherence_30d__lt=50),
    )
]
