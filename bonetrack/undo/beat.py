"""The periodic task of the recycle bin, stored in django-celery-beat (editable in the admin).

`ensure_schedule` is idempotent and takes the model classes, so the data migration (historical models) and tests
(real models) share it.
"""

PURGE = "Purge deleted items"


def ensure_schedule(PeriodicTask, CrontabSchedule) -> None:
    # https://crontab.guru/#40_*_*_*_* (every hour at minute 40)
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=PURGE,
        defaults={
            "task": "undo.purge_deleted_items",
            "crontab": hourly,
            "interval": None,
            "enabled": True,
            "expire_seconds": 3000,
            "description": "Removes for good what was deleted more than a day ago (after that it can no longer be undone).",
        },
    )
