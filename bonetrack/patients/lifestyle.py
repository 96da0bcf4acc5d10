"""R15: what the lifestyle answers and the falls log mean for the patient, in plain words (BHOF 2022 advice)."""

import datetime as dt

from bonetrack.accounts.models import ALCOHOL_RISK_UNITS_PER_WEEK, Fall, PatientProfile, Smoking
from bonetrack.core.dates import add_months

ADVICE_SOURCE = "BHOF clinician's guide 2022 (DOMAIN.md R15)"


def falls_in_past_year(falls: list[Fall], today: dt.date) -> list[Fall]:
    """The falls after the same day 12 months ago, up to and including `today`."""
    since = add_months(today, -12)
    return [fall for fall in falls if since < fall.occurred_on <= today]


def advice(patient: PatientProfile, falls: list[Fall], today: dt.date) -> list[str]:
    """R15's advice for the saved answers and the falls log, in plain words; [] when none applies."""
    found = []
    if patient.smoking == Smoking.CURRENT:
        found.append("Stopping smoking helps your bones.")
    units = patient.alcohol_units_per_week
    if units is not None and units >= ALCOHOL_RISK_UNITS_PER_WEEK:
        found.append("Keep alcohol low: 3 or more units a day on average makes a broken bone more likely.")
    if falls_in_past_year(falls, today):
        found.append(
            "You have had a fall in the past 12 months: balance training and a check of your home for hazards "
            "that could make you trip help prevent another fall."
        )
    return found
