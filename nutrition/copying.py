"""Copying an earlier day's foods (or one meal of them) into a day, saying first what the day already has."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from bonetrack.accounts.models import PatientProfile

from .models import LogItem, Meal

# The same food, in the same amount, in the same meal: copying it again would count it twice.
SAME_FIELDS = ("food_id", "description", "portion_id", "unit_label", "quantity")


@dataclass
class CopyPlan:
    patient: PatientProfile
    source_date: dt.date
    source_meal: str  # "" for the whole day
    date: dt.date
    target_meal: str  # "" for the same meals
    items: list[LogItem]  # the foods to copy, from the source
    already: list[LogItem]  # those of them the day already has

    @classmethod
    def build(cls, patient: PatientProfile, *, source_date, source_meal: str, date, target_meal: str) -> "CopyPlan":
        source = LogItem.objects.filter(patient=patient, date=source_date).foods()
        if source_meal:
            source = source.filter(meal=source_meal)
        items = list(source)
        present = Counter(_same(item, item.meal) for item in LogItem.objects.filter(patient=patient, date=date).foods())
        already = []
        for item in items:
            key = _same(item, target_meal or item.meal)
            if present[key]:
                present[key] -= 1
                already.append(item)
        return cls(patient, source_date, source_meal, date, target_meal, items, already)

    @property
    def missing(self) -> list[LogItem]:
        already = {id(item) for item in self.already}
        return [item for item in self.items if id(item) not in already]

    def target_meal_of(self, item: LogItem) -> str:
        return self.target_meal or item.meal

    def already_by_meal(self) -> list[tuple[str, list[LogItem]]]:
        """The items the day already has, grouped by the meal they would be copied into (for the question)."""
        labels = dict(Meal.choices)
        groups: dict[str, list[LogItem]] = {}
        for item in self.already:
            groups.setdefault(self.target_meal_of(item), []).append(item)
        return [(labels[meal], items) for meal, items in groups.items()]

    def apply(self, *, user, again: bool) -> list[LogItem]:
        """Copy every item (`again`) or only those the day lacks, in bulk; returns the new items."""
        now = timezone.now()
        copies = [
            item.copy_to(day=self.date, meal=self.target_meal_of(item), created_by=user, created_at=now)
            for item in (self.items if again else self.missing)
        ]
        return LogItem.objects.bulk_create(copies)


def _same(item: LogItem, meal: str) -> tuple:
    return (meal, *(getattr(item, name) for name in SAME_FIELDS))
