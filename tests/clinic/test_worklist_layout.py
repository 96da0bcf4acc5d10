"""The worklist spreads over a wide screen; other pages keep the usual reading width."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_worklist_page_uses_the_wide_layout(clinician_client):
    html = clinician_client.get(reverse("clinic:worklist")).content.decode()
    assert '<main id="main" class="container container-wide"' in html


def test_other_pages_keep_the_reading_width(clinician_client, patient):
    html = clinician_client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk})).content.decode()
    assert '<main id="main" class="container ' in html
    assert "container-wide" not in html


def test_the_wide_layout_lifts_the_width_cap(settings):
    css = (settings.BASE_DIR / "static" / "css" / "clinic.css").read_text()
    assert ".container.container-wide { max-width: none; }" in css
