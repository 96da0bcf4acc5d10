import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from nutrition.models import (
    Favourite,
    Food,
    LogItem,
    Meal,
    NutrientTargetOverride,
    Portion,
    Supplement,
    SupplementKind,
    head_of,
    search_text,
)
from tests.factories import PatientFactory


class FoodFactory(DjangoModelFactory):
    """A USDA-style reference food (an NDB number, no owner); nutrients per 100 g, unknown unless given."""

    class Meta:
        model = Food
        django_get_or_create = ("ndb_no",)

    # SR28's numbers are digits: a letter keeps test foods apart from any food the real loader adds.
    ndb_no = factory.Sequence(lambda n: f"T{n:04x}")
    owner = None
    description = factory.Sequence(lambda n: f"Test food {n}")
    food_group = "Dairy and Egg Products"
    search_text = factory.LazyAttribute(lambda o: search_text(o.description))
    head = factory.LazyAttribute(lambda o: head_of(o.description))


class CustomFoodFactory(FoodFactory):
    """A patient's own food."""

    class Meta:
        django_get_or_create = ()

    ndb_no = None
    owner = factory.SubFactory(PatientFactory)
    food_group = "My foods"


class PortionFactory(DjangoModelFactory):
    class Meta:
        model = Portion

    food = factory.SubFactory(FoodFactory)
    seq = factory.Sequence(lambda n: n + 1)
    amount = Decimal(1)
    measure = "cup"
    gram_weight = Decimal(244)


class LogItemFactory(DjangoModelFactory):
    """A food logged the way the day page logs it: `quantity` of `portion` (grams when none) through
    LogItem.from_food, so grams and nutrients come from the food."""

    class Meta:
        model = LogItem

    patient = factory.SubFactory(PatientFactory)
    day = dt.date(2020, 1, 2)
    meal = Meal.LUNCH
    food = factory.SubFactory(FoodFactory)
    quantity = 100

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return model_class.from_food(**kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        item = model_class.from_food(**kwargs)
        item.save()
        return item


class SupplementFactory(DjangoModelFactory):
    class Meta:
        model = Supplement

    patient = factory.SubFactory(PatientFactory)
    kind = SupplementKind.VITAMIN_D3
    amount_per_unit = Decimal(1000)


class CalciumSupplementFactory(SupplementFactory):
    kind = SupplementKind.CALCIUM
    calcium_form = "citrate"
    amount_per_unit = Decimal(315)


class FavouriteFactory(DjangoModelFactory):
    class Meta:
        model = Favourite

    patient = factory.SubFactory(PatientFactory)
    food = factory.SubFactory(FoodFactory)


class TargetOverrideFactory(DjangoModelFactory):
    class Meta:
        model = NutrientTargetOverride

    patient = factory.SubFactory(PatientFactory)
    nutrient = "calcium_mg"
    value = Decimal(1300)
    set_by = None
