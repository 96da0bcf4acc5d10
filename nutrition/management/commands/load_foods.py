from django.core.management.base import BaseCommand

from nutrition.reference_data import load


class Command(BaseCommand):
    help = "Load the USDA SR28 foods and household portions (idempotent; also run by load_reference_data)."

    def handle(self, *args, **options):
        self.stdout.write(load())
