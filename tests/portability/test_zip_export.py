"""The full export: the ZIP's files and what they hold, the job and its task, the page, polling, download and expiry."""

import csv
import datetime as dt
import io
import json
import os
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django_celery_beat.models import PeriodicTask
from fhir.resources.R4B.bundle import Bundle

from bonetrack.audit.models import AccessEvent
from bonetrack.core.submissions import new_token
from bonetrack.portability import jobs, services
from bonetrack.portability.beat import CLEANUP
from bonetrack.portability.export import FORMAT_VERSION, KINDS, write_export
from bonetrack.portability.models import ExportJob, ExportStatus
from bonetrack.portability.tasks import build_export_task, delete_expired_exports_task
from bonetrack.reminders.models import Reminder
from bonetrack.risk.models import FraxResult
from bonetrack.treatment.models import Course
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import DoseFactory, FallFactory, FractureFactory, PatientFactory
from tests.nutrition.factories import CalciumSupplementFactory, FoodFactory, LogItemFactory
from tests.portability.records import full_record

FILES = {f"{kind.name}.csv" for kind in KINDS} | {"patient.csv", "bonetrack.json", "fhir-bundle.json", "README.txt"}
HYPERLINK = '=HYPERLINK("http://evil.example","Click")'
# Rows each kind has in `everything` (hand-counted from what it creates).
EXPECTED_ROWS = {
    "scans": 6,
    "meals": 2,
    "supplements": 1,
    "exercise": 2,
    "labs": 2,
    "fractures": 1,
    "falls": 1,
    "fracture_risk": 1,
    "medications": 3,
    "doses": 2,
    "reminders": 1,
    "access_log": 1,
}


def _add_everything(patient, clinician) -> None:
    full_record(patient)  # 2 scans (4 + 2 sites), 2 lab results, 3 courses
    denosumab = Course.objects.get(patient=patient, regimen__slug="denosumab-60mg-6-monthly")
    DoseFactory(course=denosumab, on=dt.date(2023, 2, 1), lot="+LOT-7")
    DoseFactory(course=denosumab, on=dt.date(2023, 8, 1))
    milk = FoodFactory(description="Milk, 2%", calcium_mg=120.0, energy_kcal=50.0, protein_g=3.3)
    LogItemFactory(patient=patient, day=dt.date(2024, 5, 1), food=milk, quantity=250)
    LogItemFactory(patient=patient, day=dt.date(2024, 5, 2), food=FoodFactory(description="@SUM(A1:A9)"), quantity=50)
    CalciumSupplementFactory(patient=patient, name="Cal 315")
    session = ExerciseSessionFactory(patient=patient, date=dt.date(2024, 5, 3), notes="Park")
    SessionEntryFactory(session=session, minutes=30, notes="-2+3", position=0)
    SessionEntryFactory(
        session=session,
        exercise=library_exercise("wall-push-ups"),
        minutes=None,
        sets=2,
        reps=10,
        load=20,
        load_unit="lb",
        position=1,
    )
    FractureFactory(patient=patient, site="wrist", occurred_on=dt.date(2018, 1, 9), notes=HYPERLINK)
    FallFactory(patient=patient, occurred_on=dt.date(2024, 2, 3), injury=True, notes="\tslipped")
    FraxResult.objects.create(
        patient=patient, assessed_on=dt.date(2024, 4, 1), major_percent=Decimal("21.5"), hip_percent=Decimal("4.2")
    )
    Reminder.objects.create(
        patient=patient, kind="scan_due", due_on=dt.date(2025, 3, 10), stage=0, send_at=dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)
    )
    AccessEvent.objects.create(actor=clinician, patient=patient, action="view", path="/x/", method="GET", summary="Scan list")


@pytest.fixture
def everything(patient, clinician):
    _add_everything(patient, clinician)
    return patient


def _zip(tmp_path, patient) -> zipfile.ZipFile:
    path = tmp_path / "out" / "export.zip"
    write_export(patient, path)
    return zipfile.ZipFile(path)


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def test_every_file_parses_and_holds_as_many_rows_as_the_database(everything, tmp_path):
    archive = _zip(tmp_path, everything)
    assert set(archive.namelist()) == FILES
    document = json.loads(archive.read("bonetrack.json"))
    assert document["format_version"] == FORMAT_VERSION == 1
    assert set(document["records"]) == set(EXPECTED_ROWS)
    for kind in KINDS:
        rows = _csv(archive, f"{kind.name}.csv")
        assert len(rows) == EXPECTED_ROWS[kind.name] == kind.queryset(everything).count(), kind.name
        assert list(rows[0]) == kind.headers
        assert len(document["records"][kind.name]) == EXPECTED_ROWS[kind.name]
        assert list(document["records"][kind.name][0]) == kind.headers
    bundle = Bundle.model_validate_json(archive.read("fhir-bundle.json"))
    assert len(bundle.entry) == 27  # as tests/portability/test_export.py counts for the same record
    (profile,) = _csv(archive, "patient.csv")
    assert profile["date_of_birth"] == everything.date_of_birth.isoformat()
    assert profile["goal_t_score_above"] == "-2.5"  # no goal set: the default
    assert document["patient"]["goal_t_score_above"] == -2.5


def test_rows_have_iso_dates_units_in_the_header_and_plain_numbers(everything, tmp_path):
    archive = _zip(tmp_path, everything)
    scans = _csv(archive, "scans.csv")
    # Ordered by date, then scan, site and side: the 2021 scan's femoral neck (right) comes first.
    first = scans[0]
    assert (first["scanned_on"], first["site"], first["side"]) == ("2021-03-10", "femoral_neck", "right")
    assert (first["bmd_g_cm2"], first["t_score"], first["z_score"]) == ("0.640", "-2.0", "")
    assert first["facility"] == "City Imaging"
    meals = _csv(archive, "meals.csv")
    assert meals[0]["date"] == "2024-05-01"
    assert Decimal(meals[0]["calcium_mg"]) == Decimal(300)  # 250 g of milk at 120 mg per 100 g
    exercise = _csv(archive, "exercise.csv")
    assert Decimal(exercise[1]["load_kg"]).quantize(Decimal("0.01")) == Decimal("9.07")  # 20 lb
    labs = {row["test"]: row for row in _csv(archive, "labs.csv")}
    assert labs["calcium"]["unit"] == "mg/dL"
    assert labs["vitamin_d_25oh"]["unit"] == "ng/mL"
    (frax,) = _csv(archive, "fracture_risk.csv")
    assert (frax["major_osteoporotic_percent"], frax["hip_percent"], frax["with_bmd"]) == ("21.5", "4.2", "yes")
    (reminder,) = _csv(archive, "reminders.csv")
    assert reminder["sent_at"] == "2025-03-10T09:00:00+00:00"
    (event,) = _csv(archive, "access_log.csv")
    assert event["page"] == "Scan list"
    records = json.loads(archive.read("bonetrack.json"))["records"]
    assert records["scans"][0]["t_score"] == -2.0
    assert records["scans"][0]["z_score"] is None
    assert records["fracture_risk"][0]["with_bmd"] is True


def test_formula_cells_are_neutralised_in_the_csv_files_and_kept_as_typed_in_json(everything, tmp_path):
    archive = _zip(tmp_path, everything)
    assert _csv(archive, "fractures.csv")[0]["notes"] == "'" + HYPERLINK
    assert _csv(archive, "falls.csv")[0]["notes"] == "'\tslipped"
    assert _csv(archive, "meals.csv")[1]["description"] == "'@SUM(A1:A9)"
    assert _csv(archive, "exercise.csv")[0]["notes"] == "'-2+3"
    assert _csv(archive, "doses.csv")[0]["lot"] == "'+LOT-7"
    assert _csv(archive, "scans.csv")[0]["t_score"] == "-2.0"  # a plain negative number stays a number
    records = json.loads(archive.read("bonetrack.json"))["records"]
    assert records["fractures"][0]["notes"] == HYPERLINK


def test_queries_are_fixed_per_kind_not_per_row(patient, clinician, tmp_path):
    _add_everything(patient, clinician)
    with CaptureQueriesContext(connection) as few:
        write_export(patient, tmp_path / "a.zip")
    for day in range(1, 31):
        LogItemFactory(patient=patient, day=dt.date(2024, 6, day), food=FoodFactory(), quantity=100)
        FallFactory(patient=patient, occurred_on=dt.date(2023, 6, day))
    with CaptureQueriesContext(connection) as many:
        write_export(patient, tmp_path / "b.zip")
    assert len(many) == len(few)
    # One for the profile, one per kind (12), and the FHIR bundle's four (scans, their sites, labs, courses).
    assert len(few) == 1 + len(KINDS) + 4 == 17


def test_the_task_writes_the_zip_and_is_idempotent(everything, settings):
    job = ExportJob.objects.create(patient=everything, requested_by=everything.user)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        build_export_task.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.DONE, 100)
    assert job.expires_at == dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    assert job.path.is_file() and job.path.is_relative_to(settings.EXPORT_ROOT)
    assert job.size_bytes == job.path.stat().st_size
    written = job.path.stat().st_mtime_ns
    build_export_task.run(job.pk)  # delivered twice: the finished job is left alone
    job.refresh_from_db()
    assert job.path.stat().st_mtime_ns == written
    assert job.finished_at == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def test_a_job_left_running_by_a_lost_worker_is_written_again(patient):
    job = ExportJob.objects.create(patient=patient, status=ExportStatus.RUNNING, progress=40)
    assert jobs.run_export_job(job.pk) == ExportStatus.DONE
    job.refresh_from_db()
    assert zipfile.ZipFile(job.path).testzip() is None


def test_a_failed_write_marks_the_job_failed(patient, monkeypatch):
    job = ExportJob.objects.create(patient=patient)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "write_export", broken)
    assert jobs.run_export_job(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert (job.status, job.file_name, job.expires_at) == (ExportStatus.FAILED, "", None)


def test_progress_is_saved_as_each_file_is_written(patient, monkeypatch):
    job = ExportJob.objects.create(patient=patient)
    seen = []
    real = jobs.write_export

    def watching(patient, path, *, on_progress):
        def record(percent):
            on_progress(percent)
            seen.append(ExportJob.objects.get(pk=job.pk).progress)

        return real(patient, path, on_progress=record)

    monkeypatch.setattr(jobs, "write_export", watching)
    jobs.run_export_job(job.pk)
    assert len(seen) == len(KINDS) + 2
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] < 100


def test_asking_for_an_export_queues_the_task_after_commit(
    patient_client, patient, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(build_export_task, "apply_async", lambda args, kwargs: sent.append(args))
    url = reverse("portability:export", kwargs={"patient_id": patient.pk})
    token = new_token()
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_client.post(url, {"form_token": token})
    assert response.status_code == 302 and response.url == url
    job = ExportJob.objects.get()
    assert (job.patient, job.requested_by, job.status) == (patient, patient.user, ExportStatus.QUEUED)
    assert sent == [(job.pk,)]
    with django_capture_on_commit_callbacks(execute=True):
        patient_client.post(url, {"form_token": token})  # the same form sent twice
    assert ExportJob.objects.count() == 1


def test_the_fhir_page_links_to_the_full_export(patient_client, patient):
    page = patient_client.get(reverse("portability:fhir", kwargs={"patient_id": patient.pk})).content.decode()
    assert reverse("portability:export", kwargs={"patient_id": patient.pk}) in page


def test_the_page_polls_while_the_job_runs_and_shows_the_link_when_done(patient_client, patient):
    job = services.export_request(patient=patient, by=patient.user)
    page = patient_client.get(reverse("portability:export", kwargs={"patient_id": patient.pk}))
    status_url = reverse("portability:export-status", kwargs={"patient_id": patient.pk, "job_id": job.pk})
    assert f'hx-get="{status_url}"' in page.content.decode()
    partial = patient_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "Waiting to start" in partial and "<html" not in partial
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=42)
    partial = patient_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-valuenow="42"' in partial and "width: 42%" in partial
    jobs.run_export_job(job.pk)
    partial = patient_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial  # finished: the swapped-in element polls no more
    assert reverse("portability:export-download", kwargs={"patient_id": patient.pk, "job_id": job.pk}) in partial


def test_the_status_without_htmx_or_on_a_history_restore_is_the_whole_page(patient_client, patient):
    job = ExportJob.objects.create(patient=patient)
    url = reverse("portability:export-status", kwargs={"patient_id": patient.pk, "job_id": job.pk})
    page = reverse("portability:export", kwargs={"patient_id": patient.pk})
    assert patient_client.get(url).url == page
    assert patient_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true").url == page


def test_polling_is_background_and_not_in_the_access_log(clinician_client, patient, clinician):
    job = ExportJob.objects.create(patient=patient, requested_by=clinician)
    url = reverse("portability:export-status", kwargs={"patient_id": patient.pk, "job_id": job.pk})
    assert clinician_client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    assert not AccessEvent.objects.filter(path=url).exists()
    assert resolve(url).func.background_poll is True


def _done_job(patient, by) -> ExportJob:
    job = ExportJob.objects.create(patient=patient, requested_by=by)
    jobs.run_export_job(job.pk)
    job.refresh_from_db()
    return job


def test_the_download_is_the_zip_and_a_clinicians_download_is_audited(clinician_client, patient, clinician):
    job = _done_job(patient, clinician)
    url = reverse("portability:export-download", kwargs={"patient_id": patient.pk, "job_id": job.pk})
    response = clinician_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "patient.csv" in zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    event = AccessEvent.objects.get(path=url)
    assert (event.actor, event.patient, event.action) == (clinician, patient, "view")


def test_the_link_works_for_24_hours_then_answers_410_and_the_file_is_gone(patient_client, patient):
    ready = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(ready, tick=False):
        job = _done_job(patient, patient.user)
    url = reverse("portability:export-download", kwargs={"patient_id": patient.pk, "job_id": job.pk})
    with time_machine.travel(ready + dt.timedelta(hours=24) - dt.timedelta(seconds=1), tick=False):
        assert patient_client.get(url).status_code == 200
    path = job.path
    with time_machine.travel(ready + dt.timedelta(hours=24, seconds=1), tick=False):
        response = patient_client.get(url)
    assert response.status_code == 410
    assert "This download link has expired" in response.content.decode()
    assert not path.exists()
    job.refresh_from_db()
    assert job.file_name == ""


def test_a_job_not_ready_yet_sends_the_download_back_to_the_page(patient_client, patient):
    job = ExportJob.objects.create(patient=patient)
    response = patient_client.get(reverse("portability:export-download", kwargs={"patient_id": patient.pk, "job_id": job.pk}))
    assert response.status_code == 302
    assert response.url == reverse("portability:export", kwargs={"patient_id": patient.pk})


def test_someone_elses_job_is_not_found_under_this_patient(patient_client, patient):
    other = PatientFactory()
    job = _done_job(other, other.user)
    url = reverse("portability:export-download", kwargs={"patient_id": patient.pk, "job_id": job.pk})
    assert patient_client.get(url).status_code == 404


def test_the_cleanup_task_deletes_only_expired_files_and_beat_runs_it_hourly(patient):
    ready = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with time_machine.travel(ready, tick=False):
        old = _done_job(patient, patient.user)
    with time_machine.travel(ready + dt.timedelta(hours=20), tick=False):
        recent = _done_job(patient, patient.user)
    old_path, recent_path = old.path, recent.path
    with time_machine.travel(ready + dt.timedelta(hours=25), tick=False):
        assert delete_expired_exports_task.run() == 1
        assert delete_expired_exports_task.run() == 0  # already deleted: nothing to do
    assert not old_path.exists() and recent_path.exists()
    schedule = PeriodicTask.objects.get(name=CLEANUP)  # created by the migration
    assert schedule.task == delete_expired_exports_task.name
    assert (schedule.crontab.minute, schedule.crontab.hour) == ("20", "*")


def test_the_cleanup_also_deletes_files_no_job_points_to_once_24_hours_old(db, settings):
    old, fresh = settings.EXPORT_ROOT / "patient-9/export-5.zip", settings.EXPORT_ROOT / "patient-9/export-6.zip.part"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"PK")
    fresh.write_bytes(b"PK")
    day_and_a_minute_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=24, minutes=1)).timestamp()
    os.utime(old, (day_and_a_minute_ago, day_and_a_minute_ago))
    assert jobs.delete_expired_exports() == 1
    assert not old.exists() and fresh.exists()
