from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """ "Is my plan working?": the between-scans progress report, joining each pair of scans to what the patient did
    in between (medication, calcium and vitamin D, exercise, labs, falls)."""

    name = "bonetrack.progress"
    label = "progress"
    verbose_name = "Progress"
