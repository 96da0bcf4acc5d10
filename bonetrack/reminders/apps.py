from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "bonetrack.reminders"
    label = "reminders"
    verbose_name = "Reminders"
