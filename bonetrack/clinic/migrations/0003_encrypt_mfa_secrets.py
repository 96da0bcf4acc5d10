"""Encrypt the TOTP secrets and recovery-code seeds that allauth stored in the clear (see bonetrack.clinic.mfa)."""

from django.db import migrations

from bonetrack.clinic.mfa import decrypt_secret, encrypt_secret, is_encrypted, rewrite_stored_secrets


def encrypt_secrets(apps, schema_editor):
    authenticators = apps.get_model("mfa", "Authenticator").objects.all()
    rewrite_stored_secrets(authenticators, lambda value: value if is_encrypted(value) else encrypt_secret(value))


def decrypt_secrets(apps, schema_editor):
    authenticators = apps.get_model("mfa", "Authenticator").objects.all()
    rewrite_stored_secrets(authenticators, lambda value: decrypt_secret(value) if is_encrypted(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_note_pinned_to_scan"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
