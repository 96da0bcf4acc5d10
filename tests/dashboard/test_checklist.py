"""The first-run checklist on a new patient's dashboard: each step's state, its buttons, and when the list goes."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bonetrack.careteams.models import CareTeamInvitation
from bonetrack.dashboard.checklist import load_checklist
from tests.dexa.factories import ScanFactory
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory
from tests.nutrition.factories import SupplementFactory

pytestmark = pytest.mark.django_db

STEPS = ("About you", "Your first bone density scan", "Supplements", "Your care team", "Your time zone")


@pytest.fixture
def newcomer(db):
    """A woman just signed up: menopause unknown, nothing recorded, time zone not confirmed."""
    return PatientFactory(menopausal_status="unknown")


def _dashboard(client, patient) -> str:
    client.force_login(patient.user)
    response = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _steps(html: str) -> dict[str, str]:
    """Each step's heading → "Done" or "To do" (the text beside the tick, not its colour)."""
    found = re.findall(
        r"<h3>(.*?) <span class=\"step-status[^\"]*\">(?:<span aria-hidden=\"true\">✓</span> )?(Done|To do)</span></h3>", html
    )
    return dict(found)


def _answer(client, patient, answer: str):
    return client.post(reverse("dashboard:checklist", kwargs={"patient_id": patient.pk}), {"answer": answer})


def _everything_done(patient) -> None:
    patient.menopausal_status = "post"
    patient.save()
    ScanFactory(patient=patient)
    SupplementFactory(patient=patient)
    MembershipFactory(patient=patient, clinician=ClinicianFactory(first_name="Dr Sarah", last_name="Chen"))
    patient.user.time_zone_confirmed = True
    patient.user.save()


def test_nothing_done_shows_every_step_open(client, newcomer):
    html = _dashboard(client, newcomer)
    assert 'id="checklist"' in html
    assert _steps(html) == dict.fromkeys(STEPS, "To do")
    assert "0 of 5 done" in html
    assert "We use these to choose the right score and targets for you." in html
    assert reverse("patients:profile", kwargs={"patient_id": newcomer.pk}) in html
    assert "No clinician yet" in html
    assert "Hide this list" not in html  # offered once a step is done


def test_profile_is_done_once_a_womans_menopause_is_known(client, newcomer):
    newcomer.menopausal_status = "peri"
    newcomer.save()
    assert _steps(_dashboard(client, newcomer))["About you"] == "Done"


def test_profile_of_a_man_needs_no_menopausal_status(client):
    man = PatientFactory(sex="male", menopausal_status="unknown")
    assert _steps(_dashboard(client, man))["About you"] == "Done"


def test_scan_step_is_done_by_a_scan(client, newcomer):
    ScanFactory(patient=newcomer)
    steps = _steps(_dashboard(client, newcomer))
    assert steps["Your first bone density scan"] == "Done"
    assert steps["Supplements"] == "To do"


def test_scan_step_is_done_by_i_have_not_had_one_and_undone(client, newcomer):
    client.force_login(newcomer.user)
    response = _answer(client, newcomer, "no-scan")
    assert response.status_code == 302
    assert response["Location"].endswith("#checklist")
    newcomer.refresh_from_db()
    assert newcomer.no_scan_yet is True
    html = _dashboard(client, newcomer)
    assert _steps(html)["Your first bone density scan"] == "Done"
    assert "You said you have not had a scan yet." in html
    assert "Hide this list" in html

    _answer(client, newcomer, "undo-no-scan")
    newcomer.refresh_from_db()
    assert newcomer.no_scan_yet is False
    assert _steps(_dashboard(client, newcomer))["Your first bone density scan"] == "To do"


def test_supplement_step_is_done_by_an_active_supplement_only(client, newcomer):
    SupplementFactory(patient=newcomer, active=False)
    assert _steps(_dashboard(client, newcomer))["Supplements"] == "To do"
    SupplementFactory(patient=newcomer)
    assert _steps(_dashboard(client, newcomer))["Supplements"] == "Done"


def test_supplement_step_is_done_by_i_dont_take_any_and_undone(client, newcomer):
    client.force_login(newcomer.user)
    _answer(client, newcomer, "no-supplements")
    newcomer.refresh_from_db()
    assert newcomer.no_supplements is True
    html = _dashboard(client, newcomer)
    assert _steps(html)["Supplements"] == "Done"
    assert "You said you don't take any supplements." in html
    _answer(client, newcomer, "undo-no-supplements")
    newcomer.refresh_from_db()
    assert newcomer.no_supplements is False


def test_care_team_step_names_the_clinician(client, newcomer):
    MembershipFactory(patient=newcomer, clinician=ClinicianFactory(first_name="Dr Sarah", last_name="Chen"))
    html = _dashboard(client, newcomer)
    assert _steps(html)["Your care team"] == "Done"
    assert "Dr Sarah Chen is on your care team." in html


def test_care_team_step_ignores_a_revoked_clinician(client, newcomer):
    membership = MembershipFactory(patient=newcomer)
    membership.revoke(by=newcomer.user)
    assert _steps(_dashboard(client, newcomer))["Your care team"] == "To do"


def test_care_team_step_shows_a_waiting_invitation(client, newcomer):
    now = timezone.now()
    CareTeamInvitation.objects.create(
        patient=newcomer, email="dr.lee@example.org", token_hash="a" * 64, created_at=now, expires_at=now + dt.timedelta(days=7)
    )
    html = _dashboard(client, newcomer)
    assert "Invitation sent to dr.lee@example.org, waiting for them to accept." in html
    assert _steps(html)["Your care team"] == "To do"


def test_time_zone_step_is_done_once_confirmed(client, newcomer):
    newcomer.user.time_zone, newcomer.user.time_zone_confirmed = "Europe/London", True
    newcomer.user.save()
    html = _dashboard(client, newcomer)
    assert _steps(html)["Your time zone"] == "Done"
    assert "Change your time zone" in html


def test_unconfirmed_time_zone_offers_the_choose_form_without_javascript(client, newcomer):
    html = _dashboard(client, newcomer)
    assert 'name="time_zone"' in html and "Save my time zone" in html
    assert 'id="time-zone-choose"' in html and '<template id="time-zone-prompt-template"' in html
    assert "js/timezone.js" in html


def test_all_done_removes_the_panel(client, newcomer):
    _everything_done(newcomer)
    assert load_checklist(newcomer).complete
    assert 'id="checklist"' not in _dashboard(client, newcomer)


def test_hidden_list_is_gone(client, newcomer):
    client.force_login(newcomer.user)
    _answer(client, newcomer, "no-scan")
    response = _answer(client, newcomer, "hide")
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.checklist_hidden_at is not None
    assert 'id="checklist"' not in _dashboard(client, newcomer)


def test_care_team_does_not_see_the_patients_checklist(client, newcomer):
    clinician = ClinicianFactory()
    MembershipFactory(patient=newcomer, clinician=clinician)
    client.force_login(clinician)
    html = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": newcomer.pk})).content.decode()
    assert 'id="checklist"' not in html


def test_unknown_answer_changes_nothing(client, newcomer):
    client.force_login(newcomer.user)
    assert _answer(client, newcomer, "no_scan_yet").status_code == 400
    newcomer.refresh_from_db()
    assert (newcomer.no_scan_yet, newcomer.no_supplements, newcomer.checklist_hidden_at) == (False, False, None)


def test_the_checklist_costs_one_query(client, newcomer):
    ScanFactory(patient=newcomer)
    SupplementFactory(patient=newcomer)
    MembershipFactory(patient=newcomer)
    MembershipFactory(patient=newcomer)
    url = reverse("dashboard:patient-dashboard", kwargs={"patient_id": newcomer.pk})
    client.force_login(newcomer.user)
    client.get(url)  # warm caches (the bone density panel's fragment)
    with CaptureQueriesContext(connection) as shown:
        assert 'id="checklist"' in client.get(url).content.decode()
    newcomer.checklist_hidden_at = timezone.now()
    newcomer.save()
    with CaptureQueriesContext(connection) as hidden:
        assert 'id="checklist"' not in client.get(url).content.decode()
    assert len(shown) - len(hidden) == 1


def test_dashboard_with_the_checklist_stays_within_its_query_budget(client, newcomer, django_assert_max_num_queries):
    ScanFactory(patient=newcomer)
    MembershipFactory(patient=newcomer)
    client.force_login(newcomer.user)
    url = reverse("dashboard:patient-dashboard", kwargs={"patient_id": newcomer.pk})
    # The dashboard's budget of 12 (tests/dexa/test_pages.py), plus the checklist's one query.
    with django_assert_max_num_queries(13):
        html = client.get(url).content.decode()
    assert 'id="checklist"' in html


def test_bone_density_panel_says_no_scan_yet_once_answered(client, newcomer):
    assert "No scans yet." in _dashboard(client, newcomer)
    _answer(client, newcomer, "no-scan")
    html = _dashboard(client, newcomer)  # the panel's cached fragment is keyed on the answer
    assert "You have not had a bone density scan yet. When you have one, add it here." in html
    assert "No scans yet." not in html
