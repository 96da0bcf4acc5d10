"""Negative T- and Z-scores typed on a phone: a text box with the full keyboard, and any dash read as the minus sign."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from dexa.forms import SiteForm, normalise_signed_number
from dexa.models import DexaScan
from tests.dexa.factories import FacilityFactory


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("\u22122.3", D("-2.3")),  # − minus sign (iOS smart punctuation, copied from a PDF report)
        ("-2.3", D("-2.3")),  # - hyphen-minus
        ("\u20132.3", D("-2.3")),  # – en dash (long press on the hyphen key)
        ("\u20142.3", D("-2.3")),  # — em dash
        ("\u2212 2,3", D("-2.3")),  # space after the sign, decimal comma
        (" +1.2 ", D("1.2")),
        ("0.4", D("0.4")),
    ],
)
def test_every_dash_is_read_as_a_minus_sign(typed, expected):
    form = SiteForm(
        {"lumbar_spine-bmd": "0.812", "lumbar_spine-t_score": typed, "lumbar_spine-z_score": typed}, site="lumbar_spine"
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["t_score"], form.cleaned_data["z_score"]) == (expected, expected)


def test_normalising_keeps_what_is_not_a_number_for_the_error():
    assert normalise_signed_number("\u2013 1,5") == "-1.5"
    form = SiteForm({"lumbar_spine-bmd": "0.812", "lumbar_spine-t_score": "minus two"}, site="lumbar_spine")
    assert not form.is_valid()
    assert form.errors["t_score"] == ["Enter the score as a number, for example −2.3."]


def test_a_dashed_score_out_of_range_still_gets_the_range_message():
    form = SiteForm({"lumbar_spine-bmd": "0.812", "lumbar_spine-t_score": "\u22127.5"}, site="lumbar_spine")
    assert not form.is_valid()
    assert form.errors["t_score"] == ["Enter a score between -7.0 and +6.0."]


@pytest.mark.parametrize("name", ["t_score", "z_score"])
def test_score_boxes_offer_the_keyboard_with_a_minus_key(name):
    html = str(SiteForm(site="total_hip")[name])
    assert 'type="text"' in html
    assert 'inputmode="text"' in html  # not "decimal" or "numeric": iOS number pads have no minus key
    assert 'autocomplete="off"' in html
    assert 'autocorrect="off"' in html
    assert "pattern=" in html
    assert "step=" not in html


@pytest.mark.django_db
def test_a_scan_typed_with_typographic_minus_signs_is_saved(patient_client, patient):
    data = {
        "scanned_on": "2024-05-02",
        "facility": str(FacilityFactory().pk),
        "new_facility": "",
        "make": "hologic",
        "model": "Horizon A",
        "lumbar_spine-bmd": "0.812",
        "lumbar_spine-t_score": "\u22122.3",
        "lumbar_spine-z_score": "\u20130.9",
        "femoral_neck-side": "left",
        "femoral_neck-bmd": "0.640",
        "femoral_neck-t_score": "\u2013 2,6",
        "femoral_neck-z_score": "",
    }
    response = patient_client.post(reverse("dexa:scan-add", kwargs={"patient_id": patient.pk}), data)
    assert response.status_code == 302
    scan = DexaScan.objects.get(patient=patient)
    assert {m.site: (m.t_score, m.z_score) for m in scan.measurements.all()} == {
        "lumbar_spine": (D("-2.3"), D("-0.9")),
        "femoral_neck": (D("-2.6"), None),
    }
    assert (scan.lowest_t_score, scan.category) == (D("-2.6"), "osteoporosis")


@pytest.mark.django_db
def test_the_form_tells_where_the_minus_sign_is(patient_client, patient):
    html = patient_client.get(reverse("dexa:scan-add", kwargs={"patient_id": patient.pk})).content.decode()
    assert "Type the minus sign before a negative score" in html
