from django.db import migrations


def load(apps, schema_editor):
    from bonetrack.treatment.catalogue import load_catalogue

    load_catalogue(apps.get_model("treatment", "Drug"), apps.get_model("treatment", "Regimen"))


class Migration(migrations.Migration):
    dependencies = [("treatment", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
