from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "bonetrack.labs"
    label = "labs"
    verbose_name = "Laboratory results"
