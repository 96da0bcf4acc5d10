import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bonetrack.core.benchmarking import is_transaction_control
from nutrition.models import Food
from nutrition.reference_data import load

# A few foods, loaded through the real loader: milk, spinach, cheddar, almonds, tofu, coffee, kale,
# 2% milk and a frozen milk dessert (for search ranking).
SUBSET = ("01077", "11457", "01009", "12061", "16427", "14209", "11233", "01079", "42131")


@pytest.fixture
def foods(db) -> dict[str, Food]:
    load(only=SUBSET)
    return {food.ndb_no: food for food in Food.objects.reference().prefetch_related("portions")}


@pytest.fixture
def today(patient) -> dt.date:
    from bonetrack.core.timezones import local_today

    return local_today(patient.user)


class QueryCounter:
    """Counts the SQL statements a block runs, leaving out transaction control (BEGIN, COMMIT, SAVEPOINT ...)."""

    def __init__(self):
        self.context = CaptureQueriesContext(connection)

    def __enter__(self):
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)

    @property
    def statements(self) -> list[str]:
        return [q["sql"] for q in self.context.captured_queries if not is_transaction_control(q["sql"])]

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries():
    return QueryCounter
