import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from dexa.models import DexaScan, Facility, SiteMeasurement
from tests.factories import PatientFactory


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Imaging Centre {n}")


class ScanFactory(DjangoModelFactory):
    class Meta:
        model = DexaScan

    patient = factory.SubFactory(PatientFactory)
    scanned_on = dt.date(2022, 3, 1)
    facility = factory.SubFactory(FacilityFactory)
    make = "hologic"
    model = "Horizon A"
    source = "self"


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = SiteMeasurement

    scan = factory.SubFactory(ScanFactory)
    site = "lumbar_spine"
    side = ""
    bmd = Decimal("0.850")
    t_score = Decimal("-1.8")
    z_score = Decimal("-0.6")


def make_scan(patient, day, sites: dict, **kwargs) -> DexaScan:
    """A scan with {site: (bmd, t)} measurements (strings or Decimals)."""
    scan = ScanFactory(patient=patient, scanned_on=day, **kwargs)
    for site, (bmd, t) in sites.items():
        MeasurementFactory(
            scan=scan, site=site, side="" if site == "lumbar_spine" else "left", bmd=Decimal(bmd), t_score=Decimal(t)
        )
    return scan
