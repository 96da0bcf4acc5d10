"""The full export page on a phone: the progress bar polls (htmx) until the ZIP is ready, then the file downloads."""

import zipfile

from playwright.sync_api import expect

from bonetrack.portability import jobs
from bonetrack.portability.models import ExportJob
from bonetrack.portability.tasks import build_export_task
from tests.factories import PatientFactory


def test_the_page_shows_progress_then_the_link_without_a_reload_at_360_px(
    transactional_db, live_server, sign_in, page, monkeypatch
):
    # No worker here: the test runs the job itself once the page is polling.
    monkeypatch.setattr(build_export_task, "apply_async", lambda args, kwargs: None)
    patient = PatientFactory()
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/export/")
    page.get_by_role("button", name="Prepare my export").click()
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    job = ExportJob.objects.get(patient=patient)
    page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded
    jobs.run_export_job(job.pk)
    link = page.get_by_role("link", name="Download the ZIP file")
    expect(link).to_be_visible(timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert {"bonetrack.json", "fhir-bundle.json", "scans.csv", "patient.csv"} <= set(archive.namelist())
