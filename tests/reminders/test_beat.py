from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from bonetrack.celery import app
from bonetrack.reminders import tasks
from bonetrack.reminders.beat import DIGEST, SWEEP, ensure_schedule


def test_beat_runs_the_sweep_every_minute_and_the_digest_hourly(db):
    ensure_schedule(PeriodicTask, IntervalSchedule, CrontabSchedule)
    ensure_schedule(PeriodicTask, IntervalSchedule, CrontabSchedule)  # idempotent
    sweep = PeriodicTask.objects.get(name=SWEEP)
    assert (sweep.task, sweep.interval.every, sweep.interval.period, sweep.enabled) == (
        "reminders.sweep_reminders",
        1,
        "minutes",
        True,
    )
    assert sweep.start_time is not None  # runs as soon as beat starts
    digest = PeriodicTask.objects.get(name=DIGEST)
    assert (digest.task, digest.crontab.minute, digest.crontab.hour) == ("reminders.send_clinician_digests", "5", "*")
    assert PeriodicTask.objects.filter(name__in=[SWEEP, DIGEST]).count() == 2
    app.loader.import_default_modules()  # what a worker does at start-up: autodiscovery finds reminders.tasks
    for name in (sweep.task, digest.task, "reminders.send_reminder_emails", "reminders.send_digest_emails"):
        assert name in app.tasks


def test_send_tasks_ack_late_and_retry_forever():
    task = tasks.send_reminder_emails_task
    assert task.acks_late and task.reject_on_worker_lost and task.max_retries is None
