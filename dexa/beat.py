"""The periodic task of dexa (see bonetrack.core.beat)."""

from bonetrack.core.beat import ensure_hourly

PURGE_REPORTS = "Delete scan reports never attached to a scan"


def ensure_schedule(PeriodicTask, CrontabSchedule) -> None:
    # https://crontab.guru/#50_*_*_*_* (every hour at minute 50)
    ensure_hourly(
        PeriodicTask,
        CrontabSchedule,
        name=PURGE_REPORTS,
        task="dexa.purge_orphan_reports",
        minute=50,
        description="Deletes report files uploaded more than a day ago that were never attached to a scan.",
    )
