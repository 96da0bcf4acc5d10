"""R13: the care team sets the treatment goal (or goes back to the default) on its own page."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dexa.models import DexaScan
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan

pytestmark = pytest.mark.django_db


def _url(patient):
    return reverse("clinic:goal", kwargs={"patient_id": patient.pk})


def test_clinician_sets_a_stricter_goal_with_its_reason_and_the_status_follows(clinician_client, patient, clinician):
    make_scan(patient, dt.date(2022, 1, 1), {"femoral_neck": ("0.700", "-2.2")})
    refresh_next_scan_due(patient)
    assert DexaScan.objects.get().goal_status == "reached"  # −2.2 is above the default −2.5
    page = clinician_client.get(_url(patient)).content.decode()
    assert "Current goal: the default goal, above −2.5." in page
    assert '<option value="-2.0">T-score above −2.0</option>' in page
    response = clinician_client.post(_url(patient), {"goal": "-2.0", "reason": " Vertebral fragility fracture in 2019. "})
    assert response.status_code == 302
    assert response.url == reverse("clinic:timeline", kwargs={"patient_id": patient.pk})
    patient.refresh_from_db()
    assert (patient.goal_t_score, patient.goal_reason, patient.goal_set_by) == (
        D("-2.0"),
        "Vertebral fragility fracture in 2019.",
        clinician,
    )
    assert DexaScan.objects.get().goal_status == "no_trend"  # −2.2 is below −2.0, with a single scan
    timeline = clinician_client.get(response.url).content.decode()
    assert "Treatment goal set: a T-score above −2.0 at each site." in timeline
    assert "Treatment goal: T-score above -2.0 (set by the care team)" in timeline


def test_back_to_the_default_goal_clears_the_reason_and_who(clinician_client, patient, clinician):
    clinician_client.post(_url(patient), {"goal": "-1.5", "reason": "Young, high risk"})
    assert clinician_client.post(_url(patient), {"goal": "", "reason": "left over"}).status_code == 302
    patient.refresh_from_db()
    assert (patient.goal_t_score, patient.goal_reason, patient.goal_set_by) == (None, "", None)


def test_a_goal_without_a_reason_is_refused_next_to_the_field_and_nothing_typed_is_lost(clinician_client, patient):
    response = clinician_client.post(_url(patient), {"goal": "-2.0", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Give the reason for this goal."]}
    assert '<option value="-2.0" selected>' in response.content.decode()
    patient.refresh_from_db()
    assert patient.goal_t_score is None


@pytest.mark.parametrize("value", ["-2.6", "-0.9", "-2.05", "abc"])
def test_a_goal_outside_the_choices_is_refused(clinician_client, patient, value):
    response = clinician_client.post(_url(patient), {"goal": value, "reason": "Because"})
    assert response.status_code == 200
    assert response.context["form"].errors["goal"]
    patient.refresh_from_db()
    assert patient.goal_t_score is None


def test_patient_may_not_set_their_goal(patient_client, patient):
    assert patient_client.post(_url(patient), {"goal": "-1.0", "reason": "I want more"}).status_code == 403
    patient.refresh_from_db()
    assert patient.goal_t_score is None


def test_the_page_has_every_step_from_minus_two_and_a_half_to_minus_one(clinician_client, patient, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = clinician_client.get(_url(patient))
    values = [value for value, _ in response.context["form"].fields["goal"].choices]
    assert values == ["", *(f"{D('-2.5') + D('0.1') * k}" for k in range(16))]
    assert values[-1] == "-1.0"
