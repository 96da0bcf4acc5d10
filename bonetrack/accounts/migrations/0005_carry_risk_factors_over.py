"""R15: the profile's yes/no risk factors carried into the new answers (0004 added them; 0006 drops the old ones).

A migration of its own: on PostgreSQL the UPDATEs leave deferred foreign-key checks pending until the transaction
ends, and a table with pending trigger events cannot be altered in the same transaction.
"""

from django.db import migrations


def carry_risk_factors_over(apps, schema_editor):
    """The profile's yes/no risk factors become R15's answers, losing nothing: a current smoker "smokes now",
    3+ units a day becomes 21 units a week (the FRAX threshold), and glucocorticoids "ever" become "in the past"
    (the patient or the care team can say "now")."""
    PatientProfile = apps.get_model("accounts", "PatientProfile")
    PatientProfile.objects.filter(current_smoker=True).update(smoking="current")
    PatientProfile.objects.filter(alcohol_3_units=True).update(alcohol_units_per_week=21)
    PatientProfile.objects.filter(glucocorticoids_ever=True).update(glucocorticoids="past")


def carry_risk_factors_back(apps, schema_editor):
    PatientProfile = apps.get_model("accounts", "PatientProfile")
    PatientProfile.objects.filter(smoking="current").update(current_smoker=True)
    PatientProfile.objects.filter(alcohol_units_per_week__gte=21).update(alcohol_3_units=True)
    PatientProfile.objects.filter(glucocorticoids__in=("past", "current")).update(glucocorticoids_ever=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_lifestyle_falls_goal")]

    operations = [migrations.RunPython(carry_risk_factors_over, carry_risk_factors_back)]
