import datetime as dt

from django.db import migrations

SWEEP = "Reminder sweep"
DIGEST = "Clinician overdue digest"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
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
            "description": "Each clinician gets one digest a day (after 08:00 their time) of patients 30+ days overdue, "
            "when one of them is new.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SWEEP, DIGEST]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
