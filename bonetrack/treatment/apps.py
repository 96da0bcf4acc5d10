from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    """Osteoporosis medication: the drug catalogue, each patient's courses and their dose log (DOMAIN.md R11, R16)."""

    name = "bonetrack.treatment"
    label = "treatment"
    verbose_name = "Treatment"
