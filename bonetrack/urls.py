from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("bonetrack.core.urls")),
    path("", include("bonetrack.patients.urls")),
    path("", include("bonetrack.patients.medication_urls")),
    path("", include("bonetrack.careteams.urls")),
    path("", include("bonetrack.dashboard.urls")),
    path("", include("bonetrack.reminders.urls")),
    path("", include("bonetrack.clinic.urls")),
    path("", include("bonetrack.labs.urls")),
    path("", include("bonetrack.risk.urls")),
    path("", include("bonetrack.portability.urls")),
    path("", include("bonetrack.progress.urls")),
    path("", include("dexa.urls")),
    path("", include("nutrition.urls")),
    path("", include("exercise.urls")),
]
