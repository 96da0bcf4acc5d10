"""Celery tasks of the dexa app: thin wrappers that take ids only and are idempotent."""

from celery import shared_task

from . import report_reading, reports

# Seconds: the reading stops itself at READ_DEADLINE_SECONDS; these are the worker's backstops.
SOFT_TIME_LIMIT = report_reading.READ_DEADLINE_SECONDS + 10
TIME_LIMIT = SOFT_TIME_LIMIT + 15


@shared_task(
    name="dexa.read_report",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def read_report_task(reading_id: int) -> str | None:
    """Read the values of one uploaded DEXA report (see report_reading.run_reading)."""
    return report_reading.run_reading(reading_id)


@shared_task(name="dexa.purge_orphan_reports", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def purge_orphan_reports_task() -> int:
    """Delete reports a day old that were never attached to a scan. Idempotent."""
    return reports.purge_orphan_reports()
