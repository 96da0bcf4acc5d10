from django.apps import AppConfig


class NutritionConfig(AppConfig):
    name = "nutrition"
    verbose_name = "Nutrition"
