"""Styled error pages (403, 404, 429, 500): plain words and a way back, in the site's layout."""

import pytest
from django.template import loader
from django.urls import reverse

from tests.factories import PatientFactory


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_missing_page_gets_the_styled_404_with_a_way_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    html = _html(response)
    assert "We can't find that page" in html
    assert '<a class="button" href="/">Go to the home page</a>' in html
    assert 'class="site-header"' in html  # the site's own layout


def test_signed_in_patient_is_offered_their_dashboard(patient_client):
    html = _html(patient_client.get("/no-such-page/"))
    assert '<a class="button" href="/">Go to your dashboard</a>' in html


def test_a_missing_record_gets_the_styled_404(clinician_client, patient):
    response = clinician_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": 987654}))
    assert response.status_code == 404
    assert "We can't find that page" in _html(response)
    assert '<a class="button" href="/">Go to the worklist</a>' in _html(response)


def test_forbidden_page_gets_the_styled_403(patient_client):
    response = patient_client.get(reverse("clinic:worklist"))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    html = _html(response)
    assert "You can't open this page" in html
    assert '<a class="button" href="/">Go to your dashboard</a>' in html


def test_another_patients_record_is_refused_with_a_styled_page(patient_client):
    other = PatientFactory()
    response = patient_client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": other.pk}))
    assert response.status_code in (403, 404)
    assert "Go to your dashboard" in _html(response)


@pytest.mark.django_db
def test_too_many_signups_get_the_styled_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    url = reverse("account_signup")
    assert client.post(url, {"email": "not-an-email"}).status_code == 200  # the form again, with its errors
    response = client.post(url, {"email": "not-an-email"})
    assert response.status_code == 429
    assert "429.html" in [t.name for t in response.templates]
    html = _html(response)
    assert "Too many tries in a short time" in html
    assert '<a class="button" href="/">Go to the home page</a>' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
def test_a_failing_view_gets_the_styled_500(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = _html(response)
    assert "Something went wrong on our side" in html
    assert '<a class="button" href="/">Go to the home page</a>' in html
    assert "a bug in a view" not in html  # nothing of the error itself


def test_the_500_page_needs_no_request_and_no_database():
    # No django_db mark: any query would raise here.
    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html
    assert "{%" not in html and "{{" not in html
