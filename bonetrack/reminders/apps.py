from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "bonetrack.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self):
        from . import signals  # noqa: F401
