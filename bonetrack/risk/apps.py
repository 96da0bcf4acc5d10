from django.apps import AppConfig


class RiskConfig(AppConfig):
    """Fracture risk: FRAX results recorded from the official calculator, the treatment threshold and very high risk
    (DOMAIN.md R14)."""

    name = "bonetrack.risk"
    label = "risk"
    verbose_name = "Fracture risk"
