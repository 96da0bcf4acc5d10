"""The patient's dashboard says when the next scan is overdue, judged on the patient's own calendar."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2025, 5, 10)
# 12:00 UTC on 10 May 2025: still 10 May in London (13:00), already 11 May in Auckland (00:00).
NOW = dt.datetime(2025, 5, 10, 12, 0, tzinfo=dt.UTC)


def due_card(client, patient) -> str:
    html = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()
    start = html.index('<h3 id="dexa-due-dash">')
    return html[start : html.index("</section>", start)]


def _signed_in(client, patient):
    client.force_login(patient.user)
    return client


@time_machine.travel(NOW, tick=False)
def test_overdue_since_the_due_date(client):
    patient = PatientFactory(user__time_zone="Pacific/Auckland", next_scan_due_on=DUE)
    card = due_card(_signed_in(client, patient), patient)
    assert "10 May 2025" in card
    assert '<span class="badge badge-danger">Overdue since 10 May 2025</span>' in card
    assert "Due today" not in card


@time_machine.travel(NOW, tick=False)
def test_due_today_is_not_yet_overdue(client):
    patient = PatientFactory(user__time_zone="Europe/London", next_scan_due_on=DUE)
    card = due_card(_signed_in(client, patient), patient)
    assert "Overdue" not in card
    assert '<span class="badge badge-warning">Due today</span>' in card


@time_machine.travel(NOW, tick=False)
def test_a_date_ahead_is_neither(client):
    patient = PatientFactory(user__time_zone="Pacific/Auckland", next_scan_due_on=dt.date(2025, 11, 10))
    card = due_card(_signed_in(client, patient), patient)
    assert "10 Nov 2025" in card
    assert "Overdue" not in card and "Due today" not in card


@time_machine.travel(NOW, tick=False)
def test_no_due_date_says_not_scheduled(client):
    patient = PatientFactory(next_scan_due_on=None)
    card = due_card(_signed_in(client, patient), patient)
    assert "Not scheduled" in card and "Overdue" not in card
