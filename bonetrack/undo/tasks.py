"""Celery tasks of the recycle bin. They take no arguments and are idempotent."""

from celery import shared_task

from . import services


@shared_task(name="undo.purge_deleted_items", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def purge_deleted_items() -> int:
    """Remove for good what was deleted more than a day ago. Idempotent: a second run finds nothing left to remove."""
    return services.purge_deleted_items()
