"""Day and trend totals: SUMs in the database, compared with the day's targets (R7) and checked against R8.

Clinician overrides ride along as scalar subqueries on the aggregate query (one round trip); only a day or
range with nothing logged needs a separate query for them.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Subquery, Sum

from .absorption import Tip, meal_tips, supplement_tips
from .models import NUTRIENTS, LogItem, Meal, NutrientTargetOverride, TargetNutrient, renamed_totals, total_expressions
from .targets import LIMIT, Target, targets_for

OVERRIDE = "override__"


def override_annotations(patient) -> dict:
    return {
        f"{OVERRIDE}{nutrient}": Subquery(
            NutrientTargetOverride.objects.filter(patient=patient, nutrient=nutrient).values("value")[:1]
        )
        for nutrient in TargetNutrient.values
    }


def overrides_from_row(row: dict) -> dict[str, tuple[Decimal, str]]:
    return {
        key.removeprefix(OVERRIDE): (value, "") for key, value in row.items() if key.startswith(OVERRIDE) and value is not None
    }


def fetch_overrides(patient) -> dict[str, tuple[Decimal, str]]:
    return {o.nutrient: (o.value, "") for o in NutrientTargetOverride.objects.filter(patient=patient)}


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


@dataclass
class NutrientLine:
    key: str
    label: str
    unit: str
    amount: Decimal | None
    unknown: int
    target: Target | None = None
    note: str = ""

    @property
    def percent(self) -> int | None:
        if self.target is None or not self.target.value:
            return None
        return round((self.amount or 0) / self.target.value * 100)

    @property
    def bar_width(self) -> int:
        return min(self.percent or 0, 100)

    @property
    def status(self) -> str:
        """met | over | progress | none (CSS hook and screen-reader text)."""
        if self.target is None or self.target.value is None:
            return "none"
        amount = self.amount or 0
        if self.target.kind == LIMIT:
            return "over" if amount > self.target.value else "progress"
        return "met" if amount >= self.target.value else "progress"


@dataclass
class DaySummary:
    day: dt.date
    totals: dict
    meals: dict[str, dict]
    targets: dict[str, Target]
    lines: list[NutrientLine]
    warnings: list[str] = field(default_factory=list)
    tips: list[Tip] = field(default_factory=list)

    @property
    def calcium(self) -> NutrientLine:
        return self.line("calcium_mg")

    @property
    def vitamin_d(self) -> NutrientLine:
        return self.line("vitamin_d_iu")

    def line(self, key: str) -> NutrientLine:
        return next(line for line in self.lines if line.key == key)


def empty_totals() -> dict:
    return {key: (0 if key.endswith("_unknown") or key == "items" else None) for key in renamed_totals(total_expressions())}


# Placeholders the per-meal SQL is compiled with, swapped for the real patient and day at run time.
_PATIENT, _DAY = -918_273_645, dt.date(1900, 1, 2)
CENTS = Decimal("0.01")


def meal_totals_queryset(patient_id, day):
    """Per-meal SUMs for one day (GROUP BY meal), carrying the clinician overrides as scalar subqueries."""
    overrides = {
        f"{OVERRIDE}{nutrient}": Subquery(
            NutrientTargetOverride.objects.filter(patient_id=patient_id, nutrient=nutrient).values("value")[:1]
        )
        for nutrient in TargetNutrient.values
    }
    return (
        LogItem.objects.filter(patient_id=patient_id, date=day)
        .values("meal")
        .order_by("meal")
        .annotate(**total_expressions(), **overrides)
    )


@functools.cache
def _meal_totals_sql(vendor: str) -> tuple[str, tuple]:
    # NOTE: building and compiling this 30-expression query costs ~10x more than running it, and the day view
    # runs it on every change; so it is compiled once per process and run with the patient and day swapped in.
    return meal_totals_queryset(_PATIENT, _DAY).query.sql_with_params()


def _as_decimal(value):
    """SQLite returns NUMERIC sums as float: back to exact cents like the stored amounts."""
    return Decimal(str(value)).quantize(CENTS) if isinstance(value, float) else value


def meal_rows(patient, day) -> tuple[dict[str, dict], dict[str, tuple[Decimal, str]] | None]:
    """Per-meal SUMs for one day, and the overrides when any row came back (one query)."""
    sql, params = _meal_totals_sql(connection.vendor)
    # SQLite's compiler has already turned the date into text; PostgreSQL's keeps a date.
    swap = {_PATIENT: patient.pk, _DAY: day, _DAY.isoformat(): day.isoformat()}
    params = [swap.get(param, param) if isinstance(param, (int, str, dt.date)) else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [{name: _as_decimal(value) for name, value in zip(columns, row, strict=True)} for row in cursor.fetchall()]
    overrides = overrides_from_row(rows[0]) if rows else None
    return {row["meal"]: renamed_totals(row) for row in rows}, overrides


def combine(rows) -> dict:
    """Day totals from the per-meal database sums."""
    totals = empty_totals()
    for row in rows:
        for key in totals:
            totals[key] = (
                (totals[key] or 0) + row[key] if key.endswith("_unknown") or key == "items" else _add(totals[key], row[key])
            )
    return totals


def nutrient_lines(totals: dict, targets: dict[str, Target]) -> list[NutrientLine]:
    lines = []
    for key, label, unit in NUTRIENTS:
        amount = totals[key]
        note = ""
        if key == "calcium_mg":
            # R8: calcium from high-oxalate foods is shown but not counted toward the target.
            amount = totals["calcium_countable_mg"]
            if totals["calcium_oxalate_mg"]:
                note = f"{totals['calcium_oxalate_mg']:.0f} mg from high-oxalate foods not counted (poorly absorbed, about 5%)"
        lines.append(NutrientLine(key, label, unit, amount, totals[f"{key}_unknown"], targets.get(key), note))
    return lines


def warnings_for(totals: dict, targets: dict[str, Target]) -> list[str]:
    warnings = []
    sodium, caffeine = totals["sodium_mg"] or 0, totals["caffeine_mg"] or 0
    if sodium > targets["sodium_mg"].value:
        warnings.append(f"Sodium is {sodium:.0f} mg, above the {targets['sodium_mg'].value:.0f} mg limit.")
    if caffeine > targets["caffeine_mg"].value:
        warnings.append(
            f"Caffeine is {caffeine:.0f} mg, above {targets['caffeine_mg'].value:.0f} mg: "
            "more than 300 mg a day is linked to faster bone loss."
        )
    calcium, ca_limit = totals["calcium_mg"] or 0, targets["calcium_mg"].upper_limit
    if ca_limit and calcium > ca_limit:
        warnings.append(f"Calcium is {calcium:.0f} mg, above the upper limit of {ca_limit:.0f} mg.")
    vitamin_d, vd_limit = totals["vitamin_d_iu"] or 0, targets["vitamin_d_iu"].upper_limit
    if vd_limit and vitamin_d > vd_limit:
        warnings.append(f"Vitamin D is {vitamin_d:.0f} IU, above the upper limit of {vd_limit:.0f} IU.")
    magnesium_supplements = totals["magnesium_supplement_mg"] or 0
    mg_limit = targets["magnesium_mg"].upper_limit
    if mg_limit and magnesium_supplements > mg_limit:
        warnings.append(
            f"Magnesium from supplements is {magnesium_supplements:.0f} mg, above the {mg_limit:.0f} mg supplement limit."
        )
    return warnings


def day_summary(patient, day, items=(), supplements=()) -> DaySummary:
    """Everything the day view and the dashboard panel show about one local day (1 query, 2 with nothing logged)."""
    meals, overrides = meal_rows(patient, day)
    if overrides is None:
        overrides = fetch_overrides(patient)
    totals = combine(meals.values())
    targets = targets_for(patient, day, overrides)
    return DaySummary(
        day=day,
        totals=totals,
        meals=meals,
        targets=targets,
        lines=nutrient_lines(totals, targets),
        warnings=warnings_for(totals, targets),
        tips=meal_tips(items) + supplement_tips(supplements),
    )


# Trends --------------------------------------------------------------------------------------------------------------

SUPPLEMENT = Q(meal=Meal.SUPPLEMENTS)
FOOD = ~SUPPLEMENT


def daily_rows(patient, start: dt.date, end: dt.date) -> tuple[list[dict], dict[str, tuple[Decimal, str]] | None]:
    """One row per logged day in [start, end]: food and supplement calcium and vitamin D, and the other totals."""
    rows = list(
        LogItem.objects.filter(patient=patient, date__range=(start, end))
        .values("date")
        .order_by("date")
        .annotate(
            food_calcium=Sum("calcium_mg", filter=FOOD & Q(high_oxalate=False)),
            oxalate_calcium=Sum("calcium_mg", filter=Q(high_oxalate=True)),
            supplement_calcium=Sum("calcium_mg", filter=SUPPLEMENT),
            food_vitamin_d=Sum("vitamin_d_iu", filter=FOOD),
            supplement_vitamin_d=Sum("vitamin_d_iu", filter=SUPPLEMENT),
            total_energy_kcal=Sum("energy_kcal"),
            total_protein_g=Sum("protein_g"),
            total_magnesium_mg=Sum("magnesium_mg"),
            total_vitamin_k_mcg=Sum("vitamin_k_mcg"),
            total_sodium_mg=Sum("sodium_mg"),
            total_caffeine_mg=Sum("caffeine_mg"),
            **override_annotations(patient),
        )
    )
    for row in rows:
        for key in [k for k in row if k.startswith("total_")]:
            row[key.removeprefix("total_")] = row.pop(key)
        row["calcium_mg"] = _add(row["food_calcium"], row["supplement_calcium"])
        row["vitamin_d_iu"] = _add(row["food_vitamin_d"], row["supplement_vitamin_d"])
    return rows, (overrides_from_row(rows[0]) if rows else None)


TREND_NUTRIENTS = [n for n in NUTRIENTS if n[0] != "energy_kcal"] + [n for n in NUTRIENTS if n[0] == "energy_kcal"]


@dataclass
class WindowAverage:
    days: int
    logged_days: int
    averages: dict[str, Decimal | None]


def window_averages(rows: list[dict], end: dt.date, windows=(7, 30, 90)) -> list[WindowAverage]:
    """Average per logged day over the last 7, 30 and 90 days (days with nothing logged are unknown, not zero)."""
    result = []
    for days in windows:
        start = end - dt.timedelta(days=days - 1)
        in_window = [row for row in rows if start <= row["date"] <= end]
        averages = {}
        for key, _, _ in NUTRIENTS:
            values = [row[key] for row in in_window if row[key] is not None]
            averages[key] = (sum(values) / len(values)) if values else None
        result.append(WindowAverage(days, len(in_window), averages))
    return result
