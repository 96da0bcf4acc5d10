"""The fracture risk page: the FRAX form, the results list, the calculator's inputs, the flags; the dashboard card."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from bonetrack.risk.models import FraxResult
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import ClinicianFactory, FallFactory, FractureFactory, MembershipFactory, PatientFactory
from tests.risk.factories import FraxResultFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)
VALID = {"assessed_on": "2026-03-01", "major_percent": "21.5", "hip_percent": "3.2", "with_bmd": "on"}


def page_url(patient) -> str:
    return reverse("risk:frax", kwargs={"patient_id": patient.pk})


def text(response) -> str:
    return response.content.decode()


def token(client, patient) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', text(client.get(page_url(patient)))).group(1)


def field_errors(response, name: str) -> str:
    """The markup of one field's group (its label, input and errors)."""
    html = text(response)
    start = html.index(f'id="id_{name}"')
    group_start = html.rindex('<div class="field', 0, start)
    return html[group_start : html.index('<div class="field', start) if '<div class="field' in html[start:] else None]


@time_machine.travel(NOW, tick=False)
def test_record_a_result_and_see_it_listed(patient_client, patient):
    response = patient_client.post(page_url(patient), {**VALID, "form_token": token(patient_client, patient)})
    assert response.status_code == 302
    result = FraxResult.objects.get(patient=patient)
    assert (result.assessed_on, result.major_percent, result.hip_percent, result.with_bmd) == (
        dt.date(2026, 3, 1),
        D("21.5"),
        D("3.2"),
        True,
    )
    assert result.recorded_by == patient.user
    html = text(patient_client.get(page_url(patient)))
    assert "1 Mar 2026" in html and "21.5&nbsp;%" in html and "3.2&nbsp;%" in html


@time_machine.travel(NOW, tick=False)
def test_the_same_form_sent_twice_is_saved_once(patient_client, patient):
    data = {**VALID, "form_token": token(patient_client, patient)}
    patient_client.post(page_url(patient), data)
    patient_client.post(page_url(patient), data)
    assert FraxResult.objects.filter(patient=patient).count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"assessed_on": "2026-03-16"}, "assessed_on", "The date can&#x27;t be in the future."),
        ({"assessed_on": "1958-05-19"}, "assessed_on", "The date can&#x27;t be before the date of birth."),
        ({"major_percent": "100.1"}, "major_percent", "Ensure this value is less than or equal to 100."),
        ({"hip_percent": "-0.1"}, "hip_percent", "Ensure this value is greater than or equal to 0."),
        ({"hip_percent": "21.6"}, "hip_percent", "The hip fracture risk can&#x27;t be higher than the major fracture risk"),
        ({"major_percent": ""}, "major_percent", "This field is required."),
    ],
)
def test_invalid_input_is_shown_next_to_the_field_and_kept(patient_client, patient, change, field, message):
    response = patient_client.post(page_url(patient), {**VALID, **change})
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert not FraxResult.objects.exists()
    html = text(response)
    for name, value in {**VALID, **change}.items():
        if name != "with_bmd" and value:
            assert f'value="{value}"' in html  # nothing typed is lost


@time_machine.travel(NOW, tick=False)
def test_hip_equal_to_major_and_the_bounds_0_and_100_are_accepted(patient_client, patient):
    for major, hip in (("100", "100"), ("0", "0"), ("7.5", "7.5")):
        patient_client.post(page_url(patient), {**VALID, "major_percent": major, "hip_percent": hip})
    assert sorted(FraxResult.objects.values_list("major_percent", "hip_percent")) == [
        (D("0"), D("0")),
        (D("7.5"), D("7.5")),
        (D("100"), D("100")),
    ]


@time_machine.travel(NOW, tick=False)
def test_delete_a_result(patient_client, patient):
    result = FraxResultFactory(patient=patient)
    html = text(patient_client.get(page_url(patient)))
    assert 'data-confirm="Delete the FRAX result of 1 May 2024?"' in html
    response = patient_client.post(reverse("risk:frax-delete", kwargs={"patient_id": patient.pk, "result_id": result.pk}))
    assert response.status_code == 302
    assert not FraxResult.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_calculator_link_and_the_inputs_bonetrack_knows(client, patient):
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    patient.smoking, patient.alcohol_units_per_week, patient.glucocorticoids = "current", 24, ""
    patient.parental_hip_fracture = True
    patient.save()
    FractureFactory(patient=patient, site="wrist", occurred_on=dt.date(2019, 3, 1))
    make_scan(patient, dt.date(2025, 6, 1), {"femoral_neck": ("0.612", "-2.3"), "lumbar_spine": ("0.800", "-2.0")})
    client.force_login(clinician)
    html = text(client.get(page_url(patient)))
    assert '<a href="https://www.shef.ac.uk/FRAX/tool.jsp" target="_blank" rel="noopener">' in html
    assert "BoneTrack does not calculate FRAX" in html
    inputs = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td[^>]*>([^<]+)</td></tr>', html))
    assert inputs == {
        "Age": "67",  # born 20 May 1958
        "Sex": "Female",
        "Weight": "62 kg",
        "Height": "165 cm",
        "Previous fragility fracture": "Yes: wrist (distal forearm) 1 Mar 2019",
        "Parent fractured hip": "Yes",
        "Current smoking": "Yes",
        "Glucocorticoids": "not recorded",
        "Rheumatoid arthritis": "No",
        "Alcohol 3 or more units a day": "Yes (24 units a week)",
        "Femoral neck BMD": "0.612 g/cm² (T −2.3), Hologic Horizon A, 1 Jun 2025",
    }


@time_machine.travel(NOW, tick=False)
def test_unknown_inputs_say_not_recorded(patient_client):
    patient = PatientFactory(weight_kg=None, height_cm=None)
    patient_client.force_login(patient.user)
    html = text(patient_client.get(page_url(patient)))
    inputs = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td[^>]*>([^<]+)</td></tr>', html))
    assert inputs["Weight"] == inputs["Height"] == inputs["Femoral neck BMD"] == "not recorded"
    assert inputs["Current smoking"] == inputs["Alcohol 3 or more units a day"] == "not recorded"
    assert inputs["Previous fragility fracture"] == "None recorded"


@time_machine.travel(NOW, tick=False)
def test_the_page_lists_both_flags_with_every_reason(patient_client, patient):
    make_scan(patient, dt.date(2025, 6, 1), {"lumbar_spine": ("0.800", "-2.2")})
    refresh_next_scan_due(patient)  # R1: the scan's category, osteopenia
    FraxResultFactory(patient=patient, assessed_on=dt.date(2026, 1, 10), major_percent=D("31.0"), hip_percent=D("2.0"))
    FallFactory(patient=patient, occurred_on=dt.date(2026, 2, 1), injury=True)
    html = text(patient_client.get(page_url(patient)))
    very_high = html[html.index('data-flag="very-high-risk"') : html.index('data-flag="treatment-threshold"')]
    assert "Very high risk of fracture" in very_high
    assert "a 31.0 % chance of a major broken bone in 10 years (over 30 %)" in very_high
    assert "A high risk of falls: you were hurt in a fall (February 2026)." in very_high
    assert "Meets the treatment threshold" in html
    assert "(20 % or more)" in html
    assert "Fractures here mean fragility fractures" in html
    assert "<summary>Clinical details</summary>" in html
    assert "FRAX major 31.0 % &gt; 30 % (2026-01-10)" in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("n", [1, 8])
def test_page_query_count_does_not_grow(client, patient, django_assert_max_num_queries, n):
    clinician = ClinicianFactory()
    MembershipFactory(patient=patient, clinician=clinician)
    for k in range(n):
        make_scan(patient, dt.date(2015 + k, 6, 1), {"femoral_neck": ("0.612", "-2.3")})
        FraxResultFactory(patient=patient, assessed_on=dt.date(2015 + k, 7, 1))
        FractureFactory(patient=patient, occurred_on=dt.date(2015 + k, 1, 1))
        FallFactory(patient=patient, occurred_on=dt.date(2025, 4 + k, 1))
    client.force_login(clinician)
    with django_assert_max_num_queries(12) as queries:
        assert client.get(page_url(patient)).status_code == 200
    assert len(queries.captured_queries) == PAGE_QUERIES


# Session, user, patient, the assessment, the femoral neck, the results, the access log's INSERT for a clinician's
# view, and four savepoint statements.
PAGE_QUERIES = 11
