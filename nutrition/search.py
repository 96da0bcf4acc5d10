"""Food search for the type-ahead: one query, ranked in the database.

Order: the patient's favourites and recent foods (logged in the last 60 days), then foods whose words match
every term whole, then foods named by the first term ("Milk, whole" has the head "milk"; "Milk dessert, frozen"
does not), then everyday staples (reference_data.STAPLE_NDB_NOS), then SR Legacy foods before discontinued
ones, then shorter (simpler) descriptions.

Every term must start a word (`search_text` holds " word word "), so the same LIKE runs on SQLite and PostgreSQL;
on PostgreSQL a pg_trgm GIN index serves it, and when nothing matches, trigram word similarity finds near misses
("spinsch" finds spinach).
"""

import datetime as dt
import re

from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Length

from .models import Favourite, Food, LogItem

RECENT_DAYS = 60
MAX_TERMS = 5


def terms_of(query: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", query.lower())[:MAX_TERMS]


def _ranked(foods, patient, today: dt.date, terms: list[str]):
    whole_words = sum(
        (
            Case(
                When(Q(search_text__contains=f" {term} ") | Q(search_text__contains=f" {term}s "), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for term in terms
        ),
        Value(0, output_field=IntegerField()),
    )
    return foods.annotate(
        favourite=Exists(Favourite.objects.filter(patient=patient, food=OuterRef("pk"))),
        recent=Exists(
            LogItem.objects.filter(patient=patient, food=OuterRef("pk"), date__gte=today - dt.timedelta(days=RECENT_DAYS))
        ),
        whole_words=whole_words,
        head_rank=Case(
            When(head=" ".join(terms), then=Value(0)),
            When(head=terms[0], then=Value(1)),
            When(search_text__startswith=f" {terms[0]} ", then=Value(2)),
            When(search_text__startswith=f" {terms[0]}", then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        ),
        description_length=Length("description"),
    ).order_by(
        F("favourite").desc(),
        F("recent").desc(),
        F("whole_words").desc(),
        "head_rank",
        F("common").desc(),
        F("in_sr_legacy").desc(),
        "description_length",
        "description",
    )


def search_foods(patient, query: str, today: dt.date, limit: int = 12) -> list[Food]:
    """The best `limit` foods visible to `patient` for `query` (USDA and their own custom foods)."""
    terms = terms_of(query)
    if not terms:
        return []
    visible = Food.objects.visible_to(patient)
    matches = visible
    for term in terms:
        matches = matches.filter(search_text__contains=f" {term}")
    results = list(_ranked(matches, patient, today, terms)[:limit])
    if not results and connection.vendor == "postgresql":
        similarity = Func(Value(" ".join(terms)), F("search_text"), function="word_similarity", output_field=FloatField())
        near = visible.annotate(similarity=similarity).filter(similarity__gte=0.5)
        results = list(near.order_by("-similarity", Length("description"))[:limit])
    return results


def quick_foods(patient, today: dt.date, limit: int = 10):
    """Favourites and recent foods for one-tap adding, each with the portion and quantity last used."""
    recent = LogItem.objects.filter(patient=patient, food__isnull=False, date__gte=today - dt.timedelta(days=RECENT_DAYS))
    # Served by the (patient, food, date) index: the newest day first.
    latest = LogItem.objects.filter(patient=patient, food=OuterRef("pk")).order_by("-date", "-created_at")
    return (
        Food.objects.visible_to(patient)
        .filter(Q(pk__in=Favourite.objects.filter(patient=patient).values("food")) | Q(pk__in=recent.values("food")))
        .annotate(
            favourite=Exists(Favourite.objects.filter(patient=patient, food=OuterRef("pk"))),
            last_used=Subquery(latest.values("date")[:1]),
            last_portion_id=Subquery(latest.values("portion_id")[:1]),
            last_quantity=Subquery(latest.values("quantity")[:1]),
            last_unit=Subquery(latest.values("unit_label")[:1]),
        )
        .order_by(F("favourite").desc(), F("last_used").desc(nulls_last=True), "description")[:limit]
    )
