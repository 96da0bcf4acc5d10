"""Enqueue Celery tasks after the surrounding transaction commits, without letting a broker outage break a request."""

import logging

from django.db import transaction

logger = logging.getLogger("bonetrack.enqueue")


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the transaction commits; if the broker is down, log it and carry on.

    Work that matters is never *only* in the queue: periodic sweeps find what was not sent.
    """

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception as exc:  # kombu raises several unrelated types for "broker unreachable"
            logger.warning("Broker unavailable (%s); %s will be picked up by the next sweep", exc, task.name)

    transaction.on_commit(send)
