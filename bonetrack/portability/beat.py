"""The periodic task of portability (see bonetrack.core.beat)."""

from bonetrack.core.beat import ensure_hourly

CLEANUP = "Delete expired exports"


def ensure_schedule(PeriodicTask, CrontabSchedule) -> None:
    # https://crontab.guru/#20_*_*_*_* (every hour at minute 20)
    ensure_hourly(
        PeriodicTask,
        CrontabSchedule,
        name=CLEANUP,
        task="portability.delete_expired_exports",
        minute=20,
        description="Deletes the files of full exports whose 24-hour download link has run out.",
    )
