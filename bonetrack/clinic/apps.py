from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "bonetrack.clinic"
    label = "clinic"
    verbose_name = "Clinician workspace"
