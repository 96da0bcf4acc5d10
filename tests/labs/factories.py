import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from bonetrack.labs import rules
from bonetrack.labs.models import LabResult
from tests.factories import PatientFactory


class LabResultFactory(DjangoModelFactory):
    class Meta:
        model = LabResult

    patient = factory.SubFactory(PatientFactory)
    test = rules.VITAMIN_D
    entered_value = Decimal("32")
    entered_unit = rules.NG_ML
    value = factory.LazyAttribute(lambda o: rules.to_canonical(o.test, o.entered_value, o.entered_unit))
    taken_on = dt.date(2024, 3, 1)
