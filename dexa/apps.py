from django.apps import AppConfig


class DexaConfig(AppConfig):
    name = "dexa"
    verbose_name = "DEXA results"
