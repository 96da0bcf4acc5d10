"""R15: the old yes/no risk factor columns go, once 0005 has carried their answers over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_carry_risk_factors_over")]

    operations = [
        migrations.RemoveField(model_name='patientprofile', name='glucocorticoids_ever'),
        migrations.RemoveField(
            model_name='patientprofile',
            name='alcohol_3_units',
        ),
        migrations.RemoveField(
            model_name='patientprofile',
            name='current_smoker',
        ),
    ]
