from django.db import migrations

from bonetrack.undo.beat import PURGE, ensure_schedule


def create_schedule(apps, schema_editor):
    ensure_schedule(apps.get_model("django_celery_beat", "PeriodicTask"), apps.get_model("django_celery_beat", "CrontabSchedule"))


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PURGE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("undo", "0001_recycle_bin"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
