"""The visit summary: its content, the static T-score chart, the PDF's text, the query budget, the access log and the
print stylesheet."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.models import AccessEvent
from bonetrack.portability.summary import build_summary, t_score_chart_svg
from bonetrack.portability.summary_views import static_files_only
from dexa.services import refresh_next_scan_due
from exercise.models import Category
from tests.dexa.factories import FacilityFactory, make_scan
from tests.factories import CourseFactory, DoseFactory, FallFactory, FractureFactory
from tests.labs.factories import LabResultFactory
from tests.progress.conftest import full_week, log, train

NOW = dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()  # a Saturday: the 13 full weeks before this one run from 11 March to 9 June 2024

pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visit(patient):
    """Two scans on the same scanner (spine gains, hip stable, femoral neck loses), a vertebral fragility fracture in
    2019 (R1b), two falls, three lab results, a weekly alendronate course, 3 days of food, 2 weeks meeting R9 and the
    clinician's goal of −2.0 (R13)."""
    facility = FacilityFactory(name="City Imaging")
    make_scan(
        patient,
        dt.date(2022, 3, 10),
        {"lumbar_spine": ("0.800", "-2.2"), "total_hip": ("0.760", "-1.8"), "femoral_neck": ("0.640", "-2.0")},
        facility=facility,
        make="hologic",
    )
    make_scan(
        patient,
        dt.date(2024, 3, 12),
        {"lumbar_spine": ("0.830", "-1.9"), "total_hip": ("0.755", "-1.8"), "femoral_neck": ("0.600", "-2.3")},
        facility=facility,
        make="hologic",
    )
    FractureFactory(patient=patient, site="vertebral", occurred_on=dt.date(2019, 5, 2), fragility=True)
    FallFactory(patient=patient, occurred_on=dt.date(2024, 2, 3), injury=True)
    FallFactory(patient=patient, occurred_on=dt.date(2022, 8, 1))  # more than 12 months ago
    LabResultFactory(patient=patient, test="vitamin_d_25oh", entered_value=Decimal("24"), taken_on=dt.date(2024, 1, 5))
    LabResultFactory(patient=patient, test="vitamin_d_25oh", entered_value=Decimal("31"), taken_on=dt.date(2024, 5, 5))
    LabResultFactory(
        patient=patient, test="calcium", entered_value=Decimal("9.4"), entered_unit="mg/dL", taken_on=dt.date(2024, 5, 5)
    )
    # Alendronate 70 mg weekly from Monday 1 April 2024: 11 doses due up to today, 9 taken.
    course = CourseFactory(patient=patient, started_on=dt.date(2024, 4, 1))
    for week in range(9):
        DoseFactory(course=course, on=dt.date(2024, 4, 1) + dt.timedelta(weeks=week))
    # Women 51–70: calcium 1200 mg, vitamin D 600 IU (R7). Day 1 meets both, day 2 calcium only, day 3 neither
    # (its spinach does not count for calcium, R8).
    log(patient, dt.date(2024, 6, 1), calcium=1250, vitamin_d=800)
    log(patient, dt.date(2024, 6, 2), calcium=1200)
    log(patient, dt.date(2024, 6, 3), calcium=900, oxalate=True)
    log(patient, dt.date(2024, 6, 3), calcium=400)
    log(patient, dt.date(2024, 3, 16), calcium=100)  # 92 days ago: outside the 90 days
    full_week(patient, dt.date(2024, 4, 1))
    full_week(patient, dt.date(2024, 5, 27))
    full_week(patient, dt.date(2024, 6, 10))  # this week is not over: not counted
    train(patient, dt.date(2024, 5, 6), Category.RESISTANCE)  # a week meeting one goal only
    train(patient, dt.date(2024, 5, 8), Category.RESISTANCE)
    patient.goal_t_score = Decimal("-2.0")  # R13, set by the clinician
    patient.save(update_fields=["goal_t_score"])
    refresh_next_scan_due(patient)
    return PatientProfile.objects.select_related("user").get(pk=patient.pk)


def _url(name: str, patient, query: str = "") -> str:
    return reverse(f"portability:{name}", kwargs={"patient_id": patient.pk}) + query


def test_the_summary_shows_identity_diagnosis_and_the_latest_scan_per_site(visit, patient_client):
    response = patient_client.get(_url("summary", visit))
    assert response.status_code == 200
    html = response.content.decode()
    assert visit.name in html
    assert "Born 20 May 1958 · 66 years · Female" in html
    assert "Osteoporosis (based on a fragility fracture)" in html
    assert "(based on a vertebral fragility fracture, 2019)" in html
    assert "osteopenia (low bone mass)</strong> category: the lowest T-score is −2.3" in html
    summary = response.context["summary"]
    rows = {line.site: (line.t_text, line.bmd, line.change_label) for line in summary.sites}
    assert rows == {
        "lumbar_spine": ("−1.9", Decimal("0.830"), "Significant gain"),  # +0.030 ≥ 3.0% of 0.800 = 0.024
        "total_hip": ("−1.8", Decimal("0.755"), "Stable"),  # −0.005, LSC 3.6% of 0.760 = 0.027
        "femoral_neck": ("−2.3", Decimal("0.600"), "Significant loss"),  # −0.040 ≤ −(5.0% of 0.640 = 0.032)
    }
    assert "+0.030 g/cm² (+3.8%), LSC 0.024 g/cm² (default LSC)" in html
    assert "<nav" not in html and "site-header" not in html  # standalone: no site navigation


def test_the_summary_shows_medication_habits_labs_events_and_flags(visit, patient_client):
    html = patient_client.get(_url("summary", visit)).content.decode()
    assert "<strong>82 %</strong>" in html and "(9 of 11 scheduled; adherent)" in html  # 9/11 = 81.8 → 82
    assert "you logged food on <strong>3</strong> days" in html
    assert "calcium target on <strong data-calcium-percent>67 %</strong>" in html  # 2 of 3
    assert "vitamin D target on <strong>33 %</strong>" in html  # 1 of 3
    assert "<strong data-exercise-weeks>2 of 13</strong>" in html
    assert "Resistance training 3/13" in html
    assert "31 ng/mL" in html and "24 ng/mL" not in html  # the latest 25(OH)D only
    assert "9.4 mg/dL" in html
    assert "Vertebra (spine), 2 May 2019 (fragility fracture)" in html
    assert "Falls in the past 12 months: <strong>1</strong>" in html and "A fall on 3 Feb 2024: hurt" in html
    assert "Earlier falls (1): 1 Aug 2022." in html
    assert 'data-flag="very-high-risk"' in html  # R14: an injurious fall in the past 12 months
    assert "Because a vertebral fragility fracture is recorded, high-impact exercise" in html  # R10
    # R13 with the clinician's goal of −2.0: the femoral neck (−2.3) is below it, the spine (−1.9) above.
    assert 'data-flag="goal-femoral_neck"' in html and 'data-flag="goal-lumbar_spine"' not in html
    assert "0.3 below the goal." in html


def test_next_scan_is_shown_and_marked_overdue_once_past(visit, patient_client):
    assert visit.next_scan_due_on == dt.date(2025, 3, 12)  # R5: osteoporosis of record, on medication: 1 year
    html = patient_client.get(_url("summary", visit)).content.decode()
    assert "Due on <strong>12 March 2025</strong>" in html and "Overdue" not in html
    PatientProfile.objects.filter(pk=visit.pk).update(next_scan_due_on=dt.date(2024, 6, 14))
    html = patient_client.get(_url("summary", visit)).content.decode()
    assert "Overdue</span> The next scan was due on <strong>14 June 2024</strong>" in html


def test_the_chart_is_a_static_svg_with_the_reference_and_goal_lines():
    svg = t_score_chart_svg(
        {"lumbar_spine": [(dt.date(2020, 1, 1), Decimal("-2.0")), (dt.date(2022, 1, 1), Decimal("-1.0"))]},
        goal=Decimal("-2.0"),
    )
    assert svg.startswith("<svg") and "<script" not in svg
    # T from −3.0 to −0.5 over 216 px starting at 14: −1.0 at 14 + 216 × 0.5/2.5 = 57.2; −2.5 at 186.8; −2.0 at 143.6.
    assert 'class="line-normal" data-t="-1.0" x1="48" y1="57.2"' in svg
    assert 'class="line-osteoporosis" data-t="-2.5" x1="48" y1="186.8"' in svg
    assert 'class="line-goal" data-t="-2.0" x1="48" y1="143.6"' in svg
    # From x 48 over 462 px: 1 Jan 2020 at 48, 1 Jan 2022 at 510.
    assert 'data-site="lumbar_spine" points="48.0,143.6 510.0,57.2"' in svg
    # The labels sit in the right margin at their lines' levels (+4 px).
    assert '<text x="516" y="61.2" font-size="10" fill="#777">−1.0 normal above</text>' in svg
    assert '<text x="516" y="147.6" font-size="10" fill="#2e7d32">Goal: above −2.0</text>' in svg
    assert "Lumbar spine (L1–L4)" in svg


def test_the_default_goal_is_labelled_below_the_osteoporosis_line_it_lies_on():
    svg = t_score_chart_svg({"total_hip": [(dt.date(2020, 1, 1), Decimal("-2.0"))]}, goal=Decimal("-2.5"))
    # T from −3.0 to −0.5: −2.5 at 186.8; its label at 190.8, the goal's 12 px lower.
    assert '<text x="516" y="190.8" font-size="10" fill="#c62828">−2.5 osteoporosis</text>' in svg
    assert '<text x="516" y="202.8" font-size="10" fill="#2e7d32">Goal: above −2.5</text>' in svg
    # One scan: half a year either side, so 1 Jan 2020 is in the middle of the plot.
    assert 'points="279.0,143.6"' in svg


def test_the_chart_is_empty_without_scans():
    assert t_score_chart_svg({}, goal=None) == ""


def test_the_page_embeds_the_chart(visit, patient_client):
    html = patient_client.get(_url("summary", visit)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="t-chart"' in html
    assert 'class="line-goal" data-t="-2.0"' in html  # the clinician's goal
    assert "treatment goal: above −2.0 (set by your clinician)" in html


def test_the_pdf_holds_the_name_and_the_latest_t_scores(visit, patient_client):
    response = patient_client.get(_url("summary-pdf", visit))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="bonetrack-summary-{visit.pk}-2024-06-15.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert visit.name in text
    for t_score in ("−1.9", "−1.8", "−2.3"):
        assert t_score in text
    assert "Osteoporosis (based on a fragility fracture)" in text
    assert "Download PDF" not in text  # the page's buttons are left out


def test_the_summary_is_gathered_in_a_fixed_number_of_queries(visit, django_assert_num_queries):
    # Scans, courses with prompts, R14, fractures, latest labs, food days, exercise days, falls.
    with django_assert_num_queries(8):
        build_summary(visit)
    for day in range(20):
        log(visit, dt.date(2024, 5, 1) + dt.timedelta(days=day), calcium=1000)
        full_week(visit, dt.date(2024, 3, 11))
    make_scan(visit, dt.date(2024, 5, 1), {"lumbar_spine": ("0.830", "-1.9")})
    FallFactory(patient=visit, occurred_on=dt.date(2024, 5, 2))
    fresh = PatientProfile.objects.select_related("user").get(pk=visit.pk)  # nothing loaded before
    with django_assert_num_queries(8):
        build_summary(fresh)


def test_the_page_stays_within_its_query_budget(visit, clinician, client, django_assert_max_num_queries):
    client.force_login(clinician)
    with django_assert_max_num_queries(16):
        assert client.get(_url("summary", visit)).status_code == 200


def test_a_clinicians_pdf_is_in_the_access_log(visit, clinician, client):
    client.force_login(clinician)
    assert client.get(_url("summary-pdf", visit)).status_code == 200
    event = AccessEvent.objects.get(patient=visit, actor=clinician)
    assert (event.action, event.method, event.path) == ("view", "GET", _url("summary-pdf", visit))


def test_the_patients_own_summary_is_not_logged(visit, patient_client):
    patient_client.get(_url("summary-pdf", visit))
    assert not AccessEvent.objects.filter(patient=visit).exists()


def test_the_print_stylesheet_sets_the_paper_and_keeps_tables_whole(visit, patient_client):
    a4 = patient_client.get(_url("summary", visit)).content.decode()
    letter = patient_client.get(_url("summary", visit, "?paper=letter")).content.decode()
    assert "@page { size: A4; }" in a4 and "@page { size: Letter; }" in letter
    assert 'href="/static/css/summary.css"' in a4
    assert f'href="{_url("summary-pdf", visit)}?paper=letter"' in letter
    assert "data-print" in a4 and 'class="toolbar no-print"' in a4
    css = Path(settings.BASE_DIR, "static/css/summary.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert ".no-print { display: none !important; }" in print_rules
    assert ".summary-table { width: 100%; border-collapse: collapse; break-inside: avoid;" in css
    assert ".block { margin: 1rem 0; break-inside: avoid;" in css


def test_an_unknown_paper_falls_back_to_a4(visit, patient_client):
    html = patient_client.get(_url("summary", visit, "?paper=tabloid")).content.decode()
    assert "@page { size: A4; }" in html


def test_a_summary_without_any_data_still_renders(patient, patient_client):
    html = patient_client.get(_url("summary", patient)).content.decode()
    assert "No bone density scan is recorded yet." in html
    assert "No food was logged in the last 90 days." in html
    assert "Nothing is flagged." in html
    assert patient_client.get(_url("summary-pdf", patient))["Content-Type"] == "application/pdf"


def test_the_pdf_page_size_follows_the_paper(visit, patient_client):
    def first_page_size(query: str) -> tuple[int, int]:
        pdf = PdfReader(io.BytesIO(patient_client.get(_url("summary-pdf", visit, query)).content))
        box = pdf.pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    assert first_page_size("") == (595, 842)  # A4: 210 × 297 mm in points
    assert first_page_size("?paper=letter") == (612, 792)  # Letter: 8.5 × 11 in


def test_the_pdf_reads_local_static_files_and_nothing_else():
    fetcher = static_files_only()
    css = fetcher("https://bonetrack.invalid/static/css/summary.css")
    assert css.content_type == "text/css" and b"break-inside: avoid" in css.read()
    for url in ("https://example.org/static/css/summary.css", "https://bonetrack.invalid/static/css/no-such.css"):
        with pytest.raises(ValueError, match="only reads local static files"):
            fetcher(url)


def test_the_patients_tabs_lead_to_the_summary_and_it_leads_back(visit, patient_client):
    dashboard = reverse("dashboard:patient-dashboard", kwargs={"patient_id": visit.pk})
    assert f'href="{_url("summary", visit)}"' in patient_client.get(dashboard).content.decode()
    assert f'href="{dashboard}">← Back to BoneTrack</a>' in patient_client.get(_url("summary", visit)).content.decode()


def test_open_medication_prompts_are_listed_with_the_clinicians_wording(patient, patient_client):
    # Denosumab given on 1 Jun 2023: the next dose was due on 1 Dec 2023, so by 15 Jun 2024 it is more than a month late.
    course = CourseFactory(patient=patient, regimen_slug="denosumab-60mg-6-monthly", started_on=dt.date(2023, 6, 1))
    DoseFactory(course=course, on=dt.date(2023, 6, 1))
    html = patient_client.get(_url("summary", patient)).content.decode()
    assert 'data-prompt="denosumab_late"' in html
    assert "Nothing is flagged." not in html
