"""The Django admin is for administrators only (test_authz.py leaves the admin namespace to this file)."""

import pytest
from django.urls import reverse

from tests.factories import AdminFactory, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["admin:index", "admin:accounts_user_changelist", "admin:careteams_careteammembership_changelist"]


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
def test_admins_open_the_admin(client, url_name):
    client.force_login(AdminFactory())
    assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
@pytest.mark.parametrize(
    "make_user", [None, ClinicianFactory, lambda: PatientFactory().user], ids=["anonymous", "clinician", "patient"]
)
def test_everyone_else_is_sent_to_the_admin_login(client, url_name, make_user):
    if make_user is not None:
        client.force_login(make_user())
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_users_admin_page_does_not_reveal_the_password_hash(client):
    patient = PatientFactory()
    client.force_login(AdminFactory())
    page = client.get(reverse("admin:accounts_user_change", args=[patient.user.pk])).content.decode()
    assert patient.user.email in page
    assert patient.user.password not in page
