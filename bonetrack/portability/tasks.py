"""Celery tasks: thin wrappers around jobs.py. They take ids only and are idempotent."""

from celery import shared_task

from . import jobs


@shared_task(name="portability.build_export", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_export_task(job_id: int) -> str | None:
    """Write the export ZIP of one job. Idempotent: a finished job is skipped, an unfinished one rewrites its own file."""
    status = jobs.run_export_job(job_id)
    return None if status is None else str(status)


@shared_task(name="portability.delete_expired_exports", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def delete_expired_exports_task() -> int:
    """Delete the files of exports past their 24 hours. Idempotent: a deleted file is not looked for again."""
    return jobs.delete_expired_exports()
