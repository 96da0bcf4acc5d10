from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bonetrack.accounts"
    label = "accounts"
    verbose_name = "Accounts"
