"""Demo data: four years of daily food logs and a supplement plan for the demo patient (back past her last two scans,
so that the progress report has both of them to compare); a month for the others."""

import datetime as dt
import random

from ..models import CalciumForm, LogItem, Supplement, SupplementKind
from .sample_days import day_items, foods_by_ndb

ORDER = 30
MAIN_DAYS = 4 * 365 + 1


def _plan(patient, calcium_mg: int, calcium_form: str) -> list[Supplement]:
    plan = [
        Supplement(patient=patient, kind=SupplementKind.CALCIUM, calcium_form=calcium_form, amount_per_unit=calcium_mg),
        Supplement(patient=patient, kind=SupplementKind.VITAMIN_D3, amount_per_unit=1000),
    ]
    return Supplement.objects.bulk_create(plan)


def seed(demo) -> None:
    foods = foods_by_ndb()
    for index, patient in enumerate(demo.patients):
        if LogItem.objects.filter(patient=patient).exists():
            continue  # already seeded
        rng = random.Random(1000 + index)
        main = index == 0
        # The main patient's calcium carbonate dose (600 mg) is above 500 mg, so the split-dose tip shows.
        supplements = _plan(patient, 600 if main else 315, CalciumForm.CARBONATE if main else CalciumForm.CITRATE)
        days = MAIN_DAYS if main else 30
        items = []
        for offset in range(days, 0, -1):  # today is left for the demo itself
            items.extend(day_items(patient, demo.today - dt.timedelta(days=offset), rng, foods, supplements))
        LogItem.objects.bulk_create(items, batch_size=2000)
