"""Running export jobs and deleting their files once the download link has expired (called by tasks.py)."""

import logging

from django.utils import timezone

from .export import write_export
from .models import DOWNLOAD_LIFETIME, ExportJob, ExportStatus, export_root

logger = logging.getLogger("bonetrack.portability")


def patient_folder(patient_id: int) -> str:
    """The folder of one patient's export files, relative to EXPORT_ROOT."""
    return f"patient-{patient_id}"


def export_file_name(job: ExportJob) -> str:
    """The job's ZIP file, relative to EXPORT_ROOT: the same every time, so a job run again overwrites its own file."""
    return f"{patient_folder(job.patient_id)}/export-{job.pk}.zip"


def run_export_job(job_id: int) -> ExportStatus | None:
    """Write the ZIP of job `job_id` and mark it done (or failed); a job already finished is left as it is.

    Safe to run twice: a job still marked running (its worker was lost) is written again from the start, to the same
    file. Progress is saved after each file of the ZIP, in its own statement, so the page polling it sees it move.
    """
    job = ExportJob.objects.select_related("patient__user").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None if job is None else ExportStatus(job.status)
    jobs = ExportJob.objects.filter(pk=job.pk)
    jobs.update(status=ExportStatus.RUNNING, progress=0)
    shown = {"percent": 0}

    def on_progress(percent: int) -> None:
        if percent != shown["percent"]:
            jobs.update(progress=percent)
            shown["percent"] = percent

    name = export_file_name(job)
    try:
        size = write_export(job.patient, export_root() / name, on_progress=on_progress)
    except Exception:
        # The person can ask again from the page; the details are in the worker's log, not shown to them.
        logger.exception("Export job %s failed", job.pk)
        jobs.update(status=ExportStatus.FAILED, error="The export could not be prepared.", finished_at=timezone.now())
        return ExportStatus.FAILED
    now = timezone.now()
    jobs.update(
        status=ExportStatus.DONE,
        progress=100,
        file_name=name,
        size_bytes=size,
        finished_at=now,
        expires_at=now + DOWNLOAD_LIFETIME,
    )
    return ExportStatus.DONE


def delete_expired_exports(now=None) -> int:
    """Delete the files of exports whose download link has expired; return how many files were deleted.

    Also any file under EXPORT_ROOT written more than 24 hours ago that no job points to any more: the export of an
    account deleted since (its jobs went with it), or a ZIP half written by a worker that was stopped.
    """
    now = now or timezone.now()
    expired = list(ExportJob.objects.expired(now))
    for job in expired:
        job.delete_file()
    cutoff = (now - DOWNLOAD_LIFETIME).timestamp()
    root = export_root()
    kept = {root / name for name in ExportJob.objects.exclude(file_name="").values_list("file_name", flat=True)}
    stale = [path for path in root.glob("patient-*/export-*") if path not in kept and path.stat().st_mtime < cutoff]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(expired) + len(stale)
