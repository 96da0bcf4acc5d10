from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bonetrack.accounts.devdata.demo_accounts import DEMO_PASSWORD, seed_demo_accounts
from bonetrack.core.hooks import app_modules


class Command(BaseCommand):
    help = "Create the demo accounts and each app's demo data. Idempotent; refuses to run with DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password; it only runs with DJANGO_DEBUG=true.")
        with transaction.atomic():
            demo = seed_demo_accounts()
            for module in app_modules("devdata.demo"):
                module.seed(demo)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  admin@example.com / clinician@example.com / patient@example.com — password: {DEMO_PASSWORD}")
