"""A patient record with every kind of data the FHIR bundle carries, its values chosen by hand for the tests."""

import datetime as dt
from decimal import Decimal

from bonetrack.labs import rules as lab_rules
from dexa.models import DexaScan
from tests.dexa.factories import FacilityFactory, MeasurementFactory, ScanFactory
from tests.factories import CourseFactory
from tests.labs.factories import LabResultFactory

# (date, facility, make, model, [(site, side, bmd, t, z)])
SCANS = [
    (
        dt.date(2021, 3, 10),
        "City Imaging",
        "hologic",
        "Horizon A",
        [
            ("lumbar_spine", "", "0.812", "-2.3", "-0.9"),
            ("total_hip", "left", "0.780", "-1.6", "-0.4"),
            ("femoral_neck", "right", "0.640", "-2.0", None),
            ("radius_33", "", "0.650", "-1.2", "0.1"),
        ],
    ),
    (
        dt.date(2023, 4, 5),
        "Riverside Clinic",
        "ge_lunar",
        "Prodigy",
        [
            ("lumbar_spine", "", "0.800", "-2.4", "-1.0"),
            ("femoral_neck", "left", "0.650", "-1.9", "-0.5"),
        ],
    ),
]


def add_scans(patient, scans=SCANS) -> list[DexaScan]:
    created = []
    for day, facility, make, model, sites in scans:
        scan = ScanFactory(patient=patient, scanned_on=day, facility=FacilityFactory(name=facility), make=make, model=model)
        for site, side, bmd, t, z in sites:
            MeasurementFactory(
                scan=scan,
                site=site,
                side=side,
                bmd=Decimal(bmd),
                t_score=Decimal(t),
                z_score=None if z is None else Decimal(z),
            )
        created.append(scan)
    return created


def add_labs_and_courses(patient) -> None:
    LabResultFactory(patient=patient, test=lab_rules.VITAMIN_D, entered_value=Decimal("32"), taken_on=dt.date(2024, 3, 1))
    LabResultFactory(
        patient=patient,
        test=lab_rules.CALCIUM,
        entered_value=Decimal("9.4"),
        entered_unit=lab_rules.MG_DL,
        range_low=Decimal("8.6"),
        range_high=Decimal("10.3"),
        taken_on=dt.date(2024, 3, 1),
    )
    CourseFactory(patient=patient, started_on=dt.date(2020, 1, 6), ended_on=dt.date(2023, 1, 2), stop_reason="finished")
    CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2023, 2, 1))
    CourseFactory(
        patient=patient,
        regimen_slug="raloxifene-60mg-daily",
        started_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2019, 6, 1),
        stop_reason="side_effects",
    )


def full_record(patient) -> list[DexaScan]:
    scans = add_scans(patient)
    add_labs_and_courses(patient)
    return scans
