from django.core.management.base import BaseCommand

from bonetrack.core.hooks import app_modules


class Command(BaseCommand):
    help = "Load every app's reference data (e.g. the USDA food table). Idempotent: safe to run on every start."

    def handle(self, *args, **options):
        for module in app_modules("reference_data"):
            summary = module.load()
            self.stdout.write(f"{module.__name__}: {summary}")
