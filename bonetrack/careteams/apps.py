from django.apps import AppConfig


class CareteamsConfig(AppConfig):
    name = "bonetrack.careteams"
    label = "careteams"
    verbose_name = "Care teams"
