"""The periodic tasks of reminders, stored in django-celery-beat (editable in the admin).

`ensure_schedule` is idempotent and takes the model classes, so the data migration (historical models) and
tests (real models) share it.
"""

import datetime as dt

SWEEP = "Reminder sweep"
DIGEST = "Clinician overdue digest"


def ensure_schedule(PeriodicTask, IntervalSchedule, CrontabSchedule) -> None:
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=SWEEP,
        defaults={
            "task": "reminders.sweep_reminders",
            "interval": every_minute,
            "crontab": None,
            "enabled": True,
            # A start time in the past makes beat run it as soon as it starts, then every minute.
            "start_time": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            # Sweeps queued while no worker runs expire instead of piling up; the next one catches up anyway.
            "expire_seconds": 300,
            "description": "Records reminder stages that became due (09:00 in each patient's zone), sends them, "
            "and re-sends emails left pending by a broker outage or a lost worker.",
        },
    )
    PeriodicTask.objects.update_or_create(
        name=DIGEST,
        defaults={
            "task": "reminders.send_clinician_digests",
            "crontab": hourly,
            "interval": None,
            "enabled": True,
            "expire_seconds": 3000,
            "description": "Each clinician gets one digest a day (after 08:00 their time) of patients 30+ days overdue, "
            "when one of them is new.",
        },
    )
