from django.conf import settings
from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last time a named periodic job ran (one row per name)."""

    name = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class FormSubmission(models.Model):
    """A create form that was submitted and saved, by its one-time token (see `bonetrack.core.submissions`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)
    location = models.CharField(max_length=500, blank=True, help_text="Where the first answer sent the browser.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")]
        indexes = [models.Index(fields=["user", "created_at"], name="form_submission_user_created")]

    def __str__(self) -> str:
        return f"Form {self.token} of user {self.user_id}"
