"""The periodic task of dexa, stored in django-celery-beat (editable in the admin).

`ensure_schedule` is idempotent and takes the model classes, so the data migration (historical models) and tests
(real models) share it.
"""

PURGE_REPORTS = "Delete scan reports never attached to a scan"


def ensure_schedule(PeriodicTask, CrontabSchedule) -> None:
    # https://crontab.guru/#40_*_*_*_* (every hour at minute 40)
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=PURGE_REPORTS,
        defaults={
            "task": "dexa.purge_orphan_reports",
            "crontab": hourly,
            "interval": None,
            "enabled": True,
            "expire_seconds": 3000,
            "description": "Deletes report files uploaded more than a day ago that were never attached to a scan.",
        },
    )
