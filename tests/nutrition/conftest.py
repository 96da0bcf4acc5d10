import datetime as dt

import pytest

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
