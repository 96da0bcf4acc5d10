"""Load USDA SR28 (8,789 foods, 15,438 household portions) from the gzipped CSVs shipped in nutrition/data/.

Idempotent: rows already present and unchanged are left alone; new rows are bulk-created and changed rows
bulk-updated. `only` restricts the load to some NDB numbers (tests use a handful of foods).
"""

import csv
import gzip
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .absorption import is_high_oxalate, is_high_phytate
from .models import Food, Portion, head_of, search_text

DATA_DIR = Path(__file__).resolve().parent / "data"
FOODS_CSV = DATA_DIR / "foods.csv.gz"
PORTIONS_CSV = DATA_DIR / "portions.csv.gz"

# CSV column -> Food field.
NUMBER_COLUMNS = {
    "energy_kcal": "energy_kcal",
    "protein_g": "protein_g",
    "calcium_mg": "calcium_mg",
    "vitamin_d_mcg": "vitamin_d_mcg",
    "vitamin_d_iu": "vitamin_d_iu_source",
    "magnesium_mg": "magnesium_mg",
    "vitamin_k_mcg": "vitamin_k_mcg",
    "vitamin_k_mk4_mcg": "vitamin_k_mk4_mcg",
    "sodium_mg": "sodium_mg",
    "caffeine_mg": "caffeine_mg",
}
FOOD_FIELDS = [
    "description",
    "food_group",
    "search_text",
    "head",
    "in_sr_legacy",
    "common",
    "high_oxalate",
    "high_phytate",
    *NUMBER_COLUMNS.values(),
]
# Everyday staples, ranked first among foods that match a search equally well ("milk" -> whole milk).
STAPLE_NDB_NOS = frozenset(
    [
        "01009",
        "01026",
        "01028",
        "01040",
        "01077",
        "01079",
        "01082",
        "01085",
        "01116",
        "01117",
        "01123",
        "01129",
        "01145",
        "01256",
        "04053",
        "05062",
        "08120",
        "08121",
        "09003",
        "09040",
        "09050",
        "09200",
        "09206",
        "09236",
        "09316",
        "11090",
        "11124",
        "11161",
        "11233",
        "11352",
        "11457",
        "11529",
        "12036",
        "12061",
        "12155",
        "12166",
        "13047",
        "14209",
        "14210",
        "14355",
        "14429",
        "15076",
        "15080",
        "15088",
        "15260",
        "16015",
        "16043",
        "16057",
        "16098",
        "16427",
        "18069",
        "18075",
        "20040",
        "20444",
        "20445",
    ]
)


def number(text: str) -> float | None:
    """An empty cell is unknown (None), never zero."""
    return float(text) if text.strip() else None


def food_fields(row: dict) -> dict:
    description, group = row["description"], row["food_group"]
    fields = {
        "common": row["ndb_no"] in STAPLE_NDB_NOS,
        "description": description,
        "food_group": group,
        "search_text": search_text(description),
        "head": head_of(description),
        "in_sr_legacy": row["in_sr_legacy"] == "1",
        "high_oxalate": is_high_oxalate(description, group),
        "high_phytate": is_high_phytate(description, group),
    }
    for column, field in NUMBER_COLUMNS.items():
        fields[field] = number(row[column])
    return fields


def read_csv(path: Path) -> Iterable[dict]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@transaction.atomic
def load(only: Iterable[str] | None = None) -> str:
    """Create or update the USDA foods and portions; returns a one-line summary with the time taken."""
    started = time.perf_counter()
    wanted = set(only) if only is not None else None
    existing = {food.ndb_no: food for food in Food.objects.reference()}
    to_create, to_update = [], []
    for row in read_csv(FOODS_CSV):
        ndb_no = row["ndb_no"]
        if wanted is not None and ndb_no not in wanted:
            continue
        fields = food_fields(row)
        food = existing.get(ndb_no)
        if food is None:
            to_create.append(Food(ndb_no=ndb_no, **fields))
        elif any(getattr(food, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(food, name, value)
            to_update.append(food)
    Food.objects.bulk_create(to_create, batch_size=1000)
    Food.objects.bulk_update(to_update, FOOD_FIELDS, batch_size=1000)

    food_ids = dict(Food.objects.reference().values_list("ndb_no", "pk"))
    portions = {(p.food_id, p.seq): p for p in Portion.objects.filter(food__owner__isnull=True)}
    new_portions, changed_portions = [], []
    for row in read_csv(PORTIONS_CSV):
        ndb_no = row["ndb_no"]
        if (wanted is not None and ndb_no not in wanted) or ndb_no not in food_ids:
            continue
        key = (food_ids[ndb_no], int(row["seq"]))
        amount, measure, grams = Decimal(row["amount"]), row["measure"], Decimal(row["gram_weight"])
        portion = portions.get(key)
        if portion is None:
            new_portions.append(Portion(food_id=key[0], seq=key[1], amount=amount, measure=measure, gram_weight=grams))
        elif (portion.amount, portion.measure, portion.gram_weight) != (amount, measure, grams):
            portion.amount, portion.measure, portion.gram_weight = amount, measure, grams
            changed_portions.append(portion)
    Portion.objects.bulk_create(new_portions, batch_size=2000)
    Portion.objects.bulk_update(changed_portions, ["amount", "measure", "gram_weight"], batch_size=2000)
    elapsed = time.perf_counter() - started
    return (
        f"USDA SR28: {len(to_create)} foods added, {len(to_update)} updated; {len(new_portions)} portions added, "
        f"{len(changed_portions)} updated ({Food.objects.reference().count()} foods, "
        f"{Portion.objects.filter(food__owner__isnull=True).count()} portions) in {elapsed:.2f} s"
    )
