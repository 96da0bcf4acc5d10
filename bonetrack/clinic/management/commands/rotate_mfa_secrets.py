"""Re-encrypt every stored two-factor secret with the first key of BONETRACK_MFA_ENCRYPTION_KEYS."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from bonetrack.clinic.mfa import decrypt_secret, encrypt_secret, rewrite_stored_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every TOTP secret and recovery-code seed with the first key of BONETRACK_MFA_ENCRYPTION_KEYS, "
        "so that the older keys can then be removed from the setting."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        changed = rewrite_stored_secrets(Authenticator.objects.all(), lambda value: encrypt_secret(decrypt_secret(value)))
        self.stdout.write(f"Re-encrypted the secrets of {changed} authenticator(s).")
