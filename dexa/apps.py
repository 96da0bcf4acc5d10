from django.apps import AppConfig


class DexaConfig(AppConfig):
    name = "dexa"
    verbose_name = "DEXA results"

    def ready(self):
        # The clinician workspace announces scan-interval changes; the next scan date is ours to recompute.
        from bonetrack.clinic.signals import scan_interval_changed

        from .services import refresh_after_interval_change

        scan_interval_changed.connect(refresh_after_interval_change, dispatch_uid="dexa-refresh-next-scan-due")
