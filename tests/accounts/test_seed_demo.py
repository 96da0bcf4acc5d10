"""manage.py seed_demo: the demo accounts, idempotent, and never with DEBUG off."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from bonetrack.accounts.devdata.demo_accounts import DEMO_PASSWORD, DEMO_PATIENTS
from bonetrack.accounts.models import User
from bonetrack.careteams.access import patients_visible_to

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_demo_logins_work(seeded, client):
    for email in ("admin@example.com", "clinician@example.com", "patient@example.com"):
        response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.logout()
    assert User.objects.get(email="admin@example.com").is_superuser


def test_the_demo_clinician_sees_exactly_their_four_patients(seeded, client):
    clinician = User.objects.get(email="clinician@example.com")
    visible = patients_visible_to(clinician).values_list("user__email", flat=True)
    assert sorted(visible) == sorted(email for email, *_ in DEMO_PATIENTS)
    assert len(DEMO_PATIENTS) == 4

    client.force_login(clinician)
    page = client.get(reverse("careteams:patient-list")).content.decode()
    for _, first, last, *_ in DEMO_PATIENTS:
        assert f">{first} {last}</a>" in page
    assert "Brooks" not in page  # the other clinician's patient


def test_seed_demo_is_idempotent(seeded, settings):
    before = _row_counts()
    assert before["accounts.User"] >= 7
    call_command("seed_demo", verbosity=0)
    assert _row_counts() == before


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(email__endswith="@example.com").exists()
