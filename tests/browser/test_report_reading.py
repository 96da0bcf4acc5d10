"""Reading a scan report in the browser, as a patient on a phone: a Hologic-style PDF and a tilted photo of a Lunar-style
report are read, each scan form is filled with the right values and where they came from, a flagged value is corrected,
and the saved scan shows on the chart with the report attached."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dexa import report_reading, tasks
from dexa.models import DexaScan, ReportReading
from dexa.reading import corpus
from tests.factories import PatientFactory


@pytest.fixture
def no_worker(monkeypatch):
    """No Celery worker here: the upload request reads the report itself once it has committed, so that no test thread
    writes to the live server's in-memory database while the page polls it (progress is tested without a browser)."""
    monkeypatch.setattr(tasks.read_report_task, "apply_async", lambda args, kwargs: report_reading.run_reading(*args))


def _upload(page, live_server, patient, tmp_path, name: str, data: bytes) -> ReportReading:
    path = tmp_path / name
    path.write_bytes(data)
    page.goto(f"{live_server.url}/patients/{patient.pk}/scans/read/")
    page.get_by_label("Report file (PDF or photo)").set_input_files(str(path))
    page.get_by_role("button", name="Read the report").click()
    # The upload request reads the report here (see no_worker): a photo takes some seconds on a busy machine.
    expect(page.get_by_role("heading", name="Reading the scan report")).to_be_visible(timeout=60_000)
    reading = ReportReading.objects.latest("pk")
    page.get_by_role("link", name="Check the values").click()
    expect(page.get_by_role("heading", name="Check the values read from the report")).to_be_visible()
    return reading


def _check_values(page, expected: dict[str, str], fix: dict[str, str]) -> None:
    """Every pre-filled site value is the report's; the flagged ones are corrected to the report's values."""
    for name, value in fix.items():
        page.locator(f'[name="{name}"]').fill(value)
    for key, value in expected.items():
        name = key.replace(".", "-")
        if "." in key and not key.endswith(".side") and name not in fix:
            assert page.locator(f'[name="{name}"]').input_value() == value, key
    page.get_by_label("I have checked every value against the report").check()
    page.get_by_role("button", name="Save scan").click()
    expect(page.get_by_role("heading", name="Bone density")).to_be_visible()


def test_a_pdf_and_a_photo_become_scans_with_their_reports_at_360_px(
    transactional_db, live_server, sign_in, page, no_worker, tmp_path, settings
):
    settings.REPORT_ROOT = tmp_path / "reports"
    patient = PatientFactory(date_of_birth=dt.date(1930, 1, 1))
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(patient.user)

    hologic = corpus.synthetic_report(11, "hologic")
    reading = _upload(page, live_server, patient, tmp_path, "hologic.pdf", corpus.report_pdf(hologic))
    assert page.get_by_text("Read from page 1").first.is_visible()
    assert page.locator('[name="scanned_on"]').input_value() == hologic.scanned_on.isoformat()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _check_values(page, hologic.expected_fields(), fix={})
    first = DexaScan.objects.get(patient=patient, scanned_on=hologic.scanned_on)
    reading.report.refresh_from_db()
    assert reading.report.scan == first

    lunar = corpus.synthetic_report(12, "lunar")
    photo = corpus.photo_of(corpus.report_pdf(lunar), seed=12)
    reading = _upload(page, live_server, patient, tmp_path, "lunar-photo.jpg", photo)
    expected = lunar.expected_fields()
    flagged = page.locator(".field-check input")
    # Correct the values it asks to check (typing the report's value), or, if it read all cleanly, one value anyway.
    names = [flagged.nth(i).get_attribute("name") for i in range(flagged.count())] or ["lumbar_spine-t_score"]
    fix = {name: expected[name.replace("-", ".")] for name in names if name.replace("-", ".") in expected}
    _check_values(page, expected, fix=fix)
    second = DexaScan.objects.get(patient=patient, scanned_on=lunar.scanned_on)
    assert second.make == "ge_lunar"
    for key, value in expected.items():
        if key.endswith(".bmd"):
            assert str(second.measurements.get(site=key.split(".")[0]).bmd) == value

    # Both scans are on the chart's list, and the photo's scan has its report attached.
    expect(page.get_by_role("link", name=f"{lunar.scanned_on.day} {lunar.scanned_on:%b %Y}")).to_be_visible()
    assert second.reports.count() == 1 and first.reports.count() == 1
