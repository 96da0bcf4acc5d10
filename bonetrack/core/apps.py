from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bonetrack.core"
    label = "core"
    verbose_name = "Core"
