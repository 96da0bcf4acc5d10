from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """A patient's data in standard formats: the FHIR R4 bundle to download, and DXA results imported from FHIR."""

    name = "bonetrack.portability"
    label = "portability"
    verbose_name = "Data portability"
