"""Recompute every patient's stored scan summaries (R1–R5, and R13's goal status) after a release changes the rules."""

from django.core.management.base import BaseCommand
from django.db import transaction

from bonetrack.accounts.models import PatientProfile
from dexa.services import refresh_next_scan_due


class Command(BaseCommand):
    help = (
        "Recompute the derived fields of every patient's scans and their next scan date, e.g. after the migration that "
        "adds the treatment goal status (dexa 0004). Safe to run again: only what changed is saved."
    )

    def handle(self, *args, **options):
        patients = PatientProfile.objects.filter(dexa_scans__isnull=False).distinct().select_related("user").order_by("pk")
        count = 0
        for patient in patients.iterator(chunk_size=200):
            with transaction.atomic():
                refresh_next_scan_due(patient)
            count += 1
        self.stdout.write(f"Refreshed the scan summaries of {count} patient(s).")
