from django.db import migrations


def load(apps, schema_editor):
    from exercise.library import load_library

    load_library(apps.get_model("exercise", "Exercise"))


class Migration(migrations.Migration):
    dependencies = [("exercise", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
