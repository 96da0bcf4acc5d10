from django.apps import AppConfig


class PatientsConfig(AppConfig):
    """The patient's own details: profile, risk factors and fractures, which the clinical rules read."""

    name = "bonetrack.patients"
    label = "patients"
    verbose_name = "Patients"
