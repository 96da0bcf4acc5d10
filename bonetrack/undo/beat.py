"""The periodic task of the recycle bin (see bonetrack.core.beat)."""

from bonetrack.core.beat import ensure_hourly

PURGE = "Purge deleted items"


def ensure_schedule(PeriodicTask, CrontabSchedule) -> None:
    # https://crontab.guru/#40_*_*_*_* (every hour at minute 40)
    ensure_hourly(
        PeriodicTask,
        CrontabSchedule,
        name=PURGE,
        task="undo.purge_deleted_items",
        minute=40,
        description="Removes for good what was deleted more than a day ago (after that it can no longer be undone).",
    )
