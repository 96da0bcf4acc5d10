from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bonetrack.audit"
    label = "audit"
    verbose_name = "Audit"
