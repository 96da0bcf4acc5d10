import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from exercise.library import load_library

# A Sunday: 12:00 in London is already Monday 01:00 in Auckland.
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def library(db):
    """The library comes from a data migration; transactional tests flush it, so (re)load it here."""
    load_library()


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def lowest_t(monkeypatch):
    """Simulate the DEXA app's latest lowest T-score: `lowest_t("-2.5")`."""

    def _set(value):
        monkeypatch.setattr("exercise.safety.latest_lowest_t_score", lambda patient: None if value is None else Decimal(value))

    return _set
