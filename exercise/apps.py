from django.apps import AppConfig


class ExerciseConfig(AppConfig):
    name = "exercise"
    verbose_name = "Exercise"
