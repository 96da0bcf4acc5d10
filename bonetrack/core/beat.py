"""Periodic tasks stored in django-celery-beat (editable in the admin): one way for an app to add an hourly one.

Idempotent, and it takes the model classes, so an app's data migration (historical models) and its tests (real
models) share it.
"""


def ensure_hourly(PeriodicTask, CrontabSchedule, *, name: str, task: str, minute: int, description: str) -> None:
    """Run `task` every hour at `minute` (UTC), as the periodic task called `name`."""
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute=str(minute), hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            "crontab": hourly,
            "interval": None,
            "enabled": True,
            "expire_seconds": 3000,
            "description": description,
        },
    )
