"""Patients read plain words, the care team the precise ones (rule codes, guideline names, BMD in g/cm², the LSC);
R2's Z-score patients never read T-score ranges."""

import datetime as dt
import json
import re
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from bonetrack.accounts.models import User
from dexa.models import DexaScan, SiteMeasurement
from dexa.services import refresh_next_scan_due
from exercise.safety import BoneStatus, bone_status_for
from tests.core.plain_words import FORBIDDEN, forbidden_terms, main_text
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

pytestmark = pytest.mark.django_db

PATIENT_PAGES = (
    "dashboard:patient-dashboard",
    "dexa:scan-list",
    "dexa:scan-detail",
    "medications:course-list",
    "nutrition:day",
    "nutrition:targets",
    "exercise:week",
    "labs:lab-list",
    "risk:frax",
    "patients:risk-factors",
    "progress:report",
    "portability:summary",
    "reminders:reminder-list",
    "careteams:care-team",
)
DEMO_PATIENTS = ("patient@example.com", "helen.park@example.com", "robert.silva@example.com", "anna.kowalski@example.com")


def _pages(client, user, patient) -> dict[str, str]:
    client.force_login(user)
    latest = DexaScan.objects.filter(patient=patient).latest("scanned_on")
    pages = {}
    for name in PATIENT_PAGES:
        kwargs = {"patient_id": patient.pk} | ({"scan_id": latest.pk} if name == "dexa:scan-detail" else {})
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_main_text_leaves_out_details_scripts_styles_and_attributes():
    html = (
        '<p title="BMD">Stable</p><details><summary>Details for your clinician</summary>0.012 g/cm², LSC 0.025</details>'
        "<script>var r = 'R7';</script><style>.x{}</style><p>Talk to your care team (R4)</p>"
    )
    assert main_text(html) == "Stable Talk to your care team (R4)"
    assert [m.group() for m in FORBIDDEN.finditer(main_text(html))] == ["R4"]
    assert not FORBIDDEN.search("R17 Rx BMDs 25(OH)D ng/mL")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return User.objects.get(email="clinician@example.com")


def test_patients_see_no_rule_codes_acronyms_or_units_and_clinicians_do(demo, client):
    found = {}
    for email in DEMO_PATIENTS:
        patient = User.objects.get(email=email).patient_profile
        for name, html in _pages(client, patient.user, patient).items():
            if terms := forbidden_terms(html):
                found[email, name] = terms
    assert found == {}

    margaret = User.objects.get(email="patient@example.com").patient_profile
    clinician_pages = _pages(client, demo, margaret)
    shown = " ".join(main_text(html) for html in clinician_pages.values())
    for term in ("g/cm²", "LSC", "BMD", "AACE", "BHOF", "R3", "R5", "R7", "R14"):
        assert re.search(rf"(?<!\w){re.escape(term)}(?!\w)", shown), term
    assert "BoneTrack rule R7" in main_text(clinician_pages["nutrition:targets"])
    assert "facility LSC" in main_text(clinician_pages["dexa:scan-detail"])


def _scan_pair(patient, spine_later: str):
    clinic = FacilityFactory(lsc_lumbar_spine=D("0.020"))
    make_scan(patient, dt.date(2023, 3, 1), {"lumbar_spine": ("0.800", "-2.0")}, facility=clinic)
    later = make_scan(patient, dt.date(2025, 3, 1), {"lumbar_spine": (spine_later, "-2.3")}, facility=clinic)
    refresh_next_scan_due(patient)
    patient.refresh_from_db()
    return later


def test_a_significant_loss_tells_the_patient_what_to_do_next(client):
    patient = PatientFactory()
    later = _scan_pair(patient, "0.770")  # −0.030 g/cm², beyond the facility's LSC of 0.020
    due = patient.next_scan_due_on
    client.force_login(patient.user)
    for url in (
        reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk}),
        reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": later.pk}),
    ):
        text = main_text(client.get(url).content.decode())
        assert f"▼ Significant loss Talk to your care team; your next scan is due on {due:%-d %b %Y}." in text
        assert "g/cm²" not in text and "LSC" not in text


def test_stable_reads_within_what_the_scanner_can_measure(client, clinician, patient):
    later = _scan_pair(patient, "0.788")  # −0.012 g/cm², inside the LSC
    url = reverse("dexa:scan-detail", kwargs={"patient_id": patient.pk, "scan_id": later.pk})
    client.force_login(patient.user)
    assert "= Stable: the change is within what the scanner can measure" in _text(client.get(url).content.decode())
    client.force_login(clinician)
    assert "= Stable -0.012 g/cm² (-1.5%); facility LSC 0.020" in main_text(client.get(url).content.decode())


# R2: a premenopausal woman of 40, her scans with Z-scores (the lowest at the femoral neck, −2.1).
@pytest.fixture
def z_patient():
    patient = PatientFactory(date_of_birth=dt.date(1985, 6, 1), menopausal_status="pre")
    sites = {"lumbar_spine": ("0.900", "-1.9"), "femoral_neck": ("0.640", "-2.7")}
    make_scan(patient, dt.date(2023, 3, 1), sites)
    make_scan(patient, dt.date(2025, 3, 1), sites)
    z_scores = {"lumbar_spine": (D("-1.4"), D("-1.5")), "femoral_neck": (D("-1.9"), D("-2.1"))}
    for m in SiteMeasurement.objects.filter(scan__patient=patient).select_related("scan"):
        m.z_score = z_scores[m.site][m.scan.scanned_on.year == 2025]
        m.save(update_fields=["z_score"])
    refresh_next_scan_due(patient)
    patient.refresh_from_db()
    return patient


T_SCORE_WORDS = re.compile(r"osteopenia|osteoporosis|T-score|Normal \(T|Lowest T\b", re.IGNORECASE)


def test_z_score_patients_read_their_bone_density_for_their_age(client, z_patient):
    client.force_login(z_patient.user)
    dashboard = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": z_patient.pk})).content.decode()
    scans = client.get(reverse("dexa:scan-list", kwargs={"patient_id": z_patient.pk})).content.decode()
    assert "Bone density for your age" in main_text(dashboard)
    assert "Z-score -2.1 Femoral neck, 1 Mar 2025: below the expected range for your age" in _text(dashboard)
    assert "Z-score over time" in main_text(scans)
    assert "Lowest Z" in main_text(scans) and "Below the expected range for age -2.1" in _text(scans)
    for html in (dashboard, scans):
        assert T_SCORE_WORDS.findall(_text(html)) == []
    clinician = ClinicianFactory()
    MembershipFactory(patient=z_patient, clinician=clinician)
    client.force_login(clinician)
    dashboard = _text(client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": z_patient.pk})).content.decode())
    assert "Bone density for age (lowest Z-score) Z-score -2.1" in dashboard


def test_z_score_patients_chart_plots_z_scores_against_the_minus_two_line(client, z_patient):
    client.force_login(z_patient.user)
    html = client.get(reverse("dexa:scan-list", kwargs={"patient_id": z_patient.pk})).content.decode()
    figure = json.loads(re.search(r'<script id="dexa-figure-list" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert {trace["name"]: trace["y"] for trace in figure["data"]} == {
        "Lumbar spine (L1–L4)": [-1.4, -1.5],
        "Femoral neck": [-1.9, -2.1],
    }
    assert figure["layout"]["yaxis"]["title"]["text"] == "Z-score"
    lines = [shape["y0"] for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert lines == [-2.0]
    labels = " ".join(annotation["text"] for annotation in figure["layout"]["annotations"])
    assert "Below expected" in labels and T_SCORE_WORDS.findall(labels) == []


def test_z_score_patients_exercise_flags_say_low_for_their_age(client, z_patient):
    status = bone_status_for(z_patient)
    assert status.causes == ["your bone density is low for your age"]
    sit_ups = SimpleNamespace(impact="none", spinal_flexion_or_twist=True)
    assert status.reasons_for(sit_ups) == [
        "Loaded forward bending or twisting of the spine: flagged because your bone density is low for your age."
    ]
    client.force_login(z_patient.user)
    library = main_text(client.get(reverse("exercise:library", kwargs={"patient_id": z_patient.pk})).content.decode())
    assert "Because your bone density is low for your age" in library
    assert T_SCORE_WORDS.findall(library) == []
    summary = _text(client.get(reverse("portability:summary", kwargs={"patient_id": z_patient.pk})).content.decode())
    assert "Because your bone density is low for your age, high-impact exercise" in summary
    assert re.findall(r"osteopenia|osteoporosis|lowest T-score|T-score over time", summary, re.IGNORECASE) == []


def test_t_score_patients_keep_the_t_score_wording(patient):
    make_scan(patient, dt.date(2025, 3, 1), {"lumbar_spine": ("0.700", "-2.6")})
    refresh_next_scan_due(patient)
    assert bone_status_for(patient).causes == ["your latest lowest T-score is −2.6 (osteoporosis range)"]


def test_the_z_score_population_keeps_r10s_trigger_with_words_for_their_age():
    # R10 is read from the T-score for everyone; a Z-score patient is told it without T-score ranges.
    assert BoneStatus(lowest_t=D("-2.5"), uses_t_score=False).causes == ["your bone density is low for your age"]
    assert BoneStatus(lowest_t=D("-2.4"), uses_t_score=False).causes == []
    assert BoneStatus(lowest_t=D("-2.5"), uses_t_score=True).causes == ["your latest lowest T-score is −2.5 (osteoporosis range)"]
