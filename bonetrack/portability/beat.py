"""The periodic task of portability, stored in django-celery-beat (editable in the admin).

`ensure_schedule` is idempotent and takes the model classes, so the data migration (historical models) and tests
(real models) share it.
"""

CLEANUP = "Delete expired exports"


def ensure_schedule(PeriodicTask, CrontabSchedule) -> None:
    # https://crontab.guru/#20_*_*_*_* (every hour at minute 20)
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="20", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=CLEANUP,
        defaults={
            "task": "portability.delete_expired_exports",
            "crontab": hourly,
            "interval": None,
            "enabled": True,
            "expire_seconds": 3000,
            "description": "Deletes the files of full exports whose 24-hour download link has run out.",
        },
    )
