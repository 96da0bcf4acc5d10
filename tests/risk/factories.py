import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from bonetrack.risk.models import FraxResult
from tests.factories import PatientFactory


class FraxResultFactory(DjangoModelFactory):
    class Meta:
        model = FraxResult

    patient = factory.SubFactory(PatientFactory)
    assessed_on = dt.date(2024, 5, 1)
    major_percent = Decimal("18.0")
    hip_percent = Decimal("2.5")
    with_bmd = True
