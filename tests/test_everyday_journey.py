"""A new patient's first days and a new clinician joining, through the real pages: the checklist guides her, she enters
her weight in pounds, attaches her scan report, deletes a meal by mistake and undoes it; a clinician joins from an
invitation that no one else knew the password of; and the clinician's timeline shows what happened, with who and when."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from bonetrack.accounts.models import User
from bonetrack.careteams.models import CareTeamMembership
from bonetrack.careteams.staff_invitations import staff_invitation_create
from dexa.models import DexaScan, ScanReport
from nutrition.models import LogItem
from tests.dexa.factories import make_scan
from tests.dexa.report_samples import pdf_bytes, upload
from tests.factories import AdminFactory, PatientFactory
from tests.nutrition.factories import LogItemFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-new-test-passphrase-7"
LINK = re.compile(r"https?://[^/\s]+(/invitations/staff/[A-Za-z0-9_-]+/)")


def _steps_open(client, patient) -> int:
    page = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()
    return page.count("To do")


def test_a_new_patient_and_a_new_clinician_from_first_step_to_the_timeline(client, django_capture_on_commit_callbacks):
    patient = PatientFactory(menopausal_status="unknown", height_cm=None, weight_kg=None, user__time_zone_confirmed=False)
    client.force_login(patient.user)
    dashboard = reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})
    assert "Getting started" in client.get(dashboard).content.decode()
    open_at_start = _steps_open(client, patient)
    assert open_at_start == 5  # profile, first scan, supplements, care team, time zone

    # Profile: the menopausal status the rules need, and her weight in pounds.
    profile = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    data = {
        "user-first_name": "Joan",
        "user-last_name": "Baker",
        "user-time_zone": "Europe/London",
        "user-date_format": "mdy",
        "profile-date_of_birth": patient.date_of_birth.isoformat(),
        "profile-sex": "female",
        "profile-menopausal_status": "post",
        "profile-body_units": "imperial",
        "profile-shown_units": "imperial",
        "profile-height_ft": "5",
        "profile-height_in": "4",
        "profile-weight_lb": "150",
    }
    assert client.post(profile, data).status_code == 302
    patient.refresh_from_db()
    assert patient.weight_kg == Decimal("68.0") and patient.body_units == "imperial"
    assert _steps_open(client, patient) == open_at_start - 2  # the profile, and the time zone it shows

    # Her first scan, typed in, and the report attached to it.
    scan = make_scan(patient, dt.date(2024, 3, 5), {"lumbar_spine": ("0.812", "-2.1")}, entered_by=patient.user)
    attach = reverse("dexa:report-add", kwargs={"patient_id": patient.pk, "scan_id": scan.pk})
    response = client.post(attach, {"file": upload(pdf_bytes())})
    assert response.status_code == 302
    assert ScanReport.objects.get(scan=scan).content_type == "application/pdf"
    assert _steps_open(client, patient) == open_at_start - 3

    # A meal deleted by mistake, then undone: the same row is back.
    item = LogItemFactory(patient=patient, created_by=patient.user)
    deleted = client.post(reverse("nutrition:item-delete", args=[patient.pk, item.pk]), HTTP_HX_REQUEST="true")
    assert "Undo" in deleted.content.decode() and not LogItem.objects.filter(pk=item.pk).exists()
    undo = re.search(r'action="(/patients/\d+/nutrition/deleted/\d+/undo/)"', deleted.content.decode()).group(1)
    client.post(undo)
    assert LogItem.objects.filter(pk=item.pk, calcium_mg=item.calcium_mg).exists()

    # An admin invites a clinician to her care team; the clinician sets their own password from the emailed link.
    admin = AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff_invitation_create(
            email="nina.doctor@example.org", first_name="Nina", last_name="Doctor", role="clinician", patients=[patient], by=admin
        )
    link = LINK.search(mail.outbox[-1].body).group(1)
    client.logout()
    form = {"first_name": "Nina", "last_name": "Doctor", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(link, form).status_code == 302
    clinician = User.objects.get(email="nina.doctor@example.org")
    assert clinician.check_password(PASSWORD) and clinician.role == "clinician"
    assert CareTeamMembership.objects.active().filter(patient=patient, clinician=clinician).exists()
    assert client.post(link, form).status_code == 410  # single use

    # The clinician verifies the scan; the timeline shows each change with who made it.
    client.force_login(clinician)
    client.post(reverse("dexa:scan-verify", kwargs={"patient_id": patient.pk, "scan_id": scan.pk}))
    assert DexaScan.objects.get(pk=scan.pk).is_verified
    timeline = client.get(reverse("clinic:timeline", kwargs={"patient_id": patient.pk})).content.decode()
    for label in ("Scan report attached", "Joined the care team", "Scan verified"):
        assert label in timeline, label
    assert "Nina Doctor" in timeline
