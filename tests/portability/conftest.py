import pytest

from tests.portability.records import full_record


@pytest.fixture
def record(patient):
    """`patient` with two scans (six sites), a 25(OH)D and a calcium result, and three medication courses."""
    full_record(patient)
    return patient
