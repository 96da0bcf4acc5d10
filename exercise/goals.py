"""Weekly exercise goals (DOMAIN.md R9) as pure functions, plus the one aggregation query that feeds them.

Weeks run Monday to Sunday on the patient's own calendar: sessions are stored on the patient's local date,
and "this week" starts from `local_today(patient.user)`.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from .models import Category, SessionEntry

BOUT_MINUTES = 10  # weight-bearing minutes count only in bouts of at least 10 minutes
RESISTANCE_DAYS = 2
BALANCE_DAYS = 2
WEIGHT_BEARING_MINUTES = 150
POSTURE_DAYS = 7  # daily


@dataclass(frozen=True)
class DayCategory:
    """One aggregated row: on `date`, work in `category`, with `bout_minutes` of it in bouts of ≥ 10 minutes."""

    date: dt.date
    category: str
    bout_minutes: int = 0


@dataclass(frozen=True)
class GoalProgress:
    key: str
    label: str
    value: int
    target: int
    unit: str

    @property
    def met(self) -> bool:
        return self.value >= self.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.value / self.target))

    @property
    def value_text(self) -> str:
        """'4 days', '1 day', '95 minutes'."""
        return _count(self.value, UNIT_WORDS[self.unit])

    @property
    def target_text(self) -> str:
        """'(goal: 2)', '(goal: 150)', or '(goal: every day)' for daily work."""
        if self.unit == "days" and self.target == POSTURE_DAYS:
            return "(goal: every day)"
        return f"(goal: {self.target})"

    @property
    def text(self) -> str:
        """'4 days (goal: 2)': what was done first, then the goal (never '4 of 2 days')."""
        return f"{self.value_text} {self.target_text}"


UNIT_WORDS = {"days": ("day", "days"), "min": ("minute", "minutes")}


def _count(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


# The day strip names each kind of work in words (no letter codes), in the order of the goals.
DAY_MARKS: tuple[tuple[str, str], ...] = (
    (Category.RESISTANCE, "Resistance"),
    (Category.BALANCE, "Balance"),
    (Category.WEIGHT_BEARING, "Weight-bearing"),
    (Category.POSTURE, "Posture"),
)


def day_marks(categories: Iterable[str]) -> list[tuple[str, str]]:
    """(category, word) for each goal category worked on that day, in the order of the goals."""
    done = set(categories)
    return [(category, word) for category, word in DAY_MARKS if category in done]


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def week_days(start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (Monday, Sunday) of the week starting `start`."""
    return start, start + dt.timedelta(days=6)


def counts_as_bout(minutes: int | None) -> bool:
    return minutes is not None and minutes >= BOUT_MINUTES


def bout_minutes(minutes: Iterable[int | None]) -> int:
    """Weight-bearing minutes that count toward R9: bouts shorter than 10 minutes are left out."""
    return sum(m for m in minutes if counts_as_bout(m))


def weekly_goals(rows: Iterable[DayCategory]) -> list[GoalProgress]:
    """R9 progress for one week from its (date, category) rows."""
    days: dict[str, set[dt.date]] = {category: set() for category in Category.values}
    weight_bearing = 0
    for row in rows:
        days.setdefault(row.category, set()).add(row.date)
        if row.category == Category.WEIGHT_BEARING:
            weight_bearing += row.bout_minutes or 0
    return [
        GoalProgress("resistance", "Resistance training", len(days[Category.RESISTANCE]), RESISTANCE_DAYS, "days"),
        GoalProgress("balance", "Balance", len(days[Category.BALANCE]), BALANCE_DAYS, "days"),
        GoalProgress("weight_bearing", "Weight-bearing aerobic", weight_bearing, WEIGHT_BEARING_MINUTES, "min"),
        GoalProgress("posture", "Posture / back extensors", len(days[Category.POSTURE]), POSTURE_DAYS, "days"),
    ]


def weekly_history(rows: Iterable[DayCategory], starts: list[dt.date]) -> list[tuple[dt.date, list[GoalProgress]]]:
    """Goals per week for each Monday in `starts`, from rows covering all of them."""
    by_week: dict[dt.date, list[DayCategory]] = {start: [] for start in starts}
    for row in rows:
        by_week.setdefault(week_start(row.date), []).append(row)
    return [(start, weekly_goals(by_week[start])) for start in starts]


def weeks_meeting_goals(patient, mondays: list[dt.date]) -> tuple[int, tuple[tuple[str, int], ...]]:
    """R9 over the whole weeks starting on `mondays` (one query): how many met all four goals, and each goal."""
    if not mondays:
        return 0, ()
    weeks = weekly_history(day_category_rows(patient, mondays[0], mondays[-1] + dt.timedelta(days=6)), mondays)
    per_goal: dict[str, int] = {}
    all_met = 0
    for _, goals in weeks:
        all_met += all(goal.met for goal in goals)
        for goal in goals:
            per_goal[goal.label] = per_goal.get(goal.label, 0) + goal.met
    return all_met, tuple(per_goal.items())


def day_category_rows(patient, first: dt.date, last: dt.date) -> list[DayCategory]:
    """One query: per local date and category, whether there was work and its weight-bearing bout minutes."""
    rows = (
        SessionEntry.objects.for_patient(patient)
        .between(first, last)
        .values("session__date", "exercise__category")
        .annotate(n=Count("id"), bouts=Sum("minutes", filter=Q(minutes__gte=BOUT_MINUTES)))
        .order_by()
    )
    return [DayCategory(row["session__date"], row["exercise__category"], row["bouts"] or 0) for row in rows]


def goals_for_week(patient, start: dt.date) -> list[GoalProgress]:
    return weekly_goals(day_category_rows(patient, *week_days(start)))
