"""The timeline's `before` cursor comes from the URL: moments at the ends of the calendar page, never a server error."""

import datetime as dt

import pytest
from django.urls import reverse

from bonetrack.clinic.models import ClinicalNote
from tests.factories import FractureFactory


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("before", "titles"),
    [
        ("0001-01-01T00:00:00+01:00", []),  # older than anything
        ("9999-12-31T23:59:59-14:00", ["Note", "Hip fracture"]),  # newer than everything
        ("9999-12-31T23:59:59+14:00", ["Note", "Hip fracture"]),
    ],
)
def test_a_cursor_at_the_ends_of_the_calendar_pages_normally(clinician_client, patient, clinician, before, titles, htmx):
    patient.user.time_zone = "Pacific/Kiritimati"  # UTC+14: the zone furthest from the year 1 limit
    patient.user.save(update_fields=["time_zone"])
    FractureFactory(patient=patient, site="hip", occurred_on=dt.date(2023, 6, 1))
    noted = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    ClinicalNote.objects.create(patient=patient, author=clinician, body="Seen.", created_at=noted)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("clinic:timeline", kwargs={"patient_id": patient.pk})
    response = clinician_client.get(url, {"before": before}, **headers)
    assert response.status_code == 200
    shown = [event.title.split(" by ")[0] for event, _label in response.context_data["entries"]]
    assert shown == titles
