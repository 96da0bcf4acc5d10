from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "bonetrack.clinic"
    label = "clinic"
    verbose_name = "Clinician workspace"

    def ready(self):
        from . import mfa  # noqa: F401 - connects the enrolment signal receivers
