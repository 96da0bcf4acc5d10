from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "bonetrack.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
