import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A finished export can be downloaded for this long; then its file is deleted.
DOWNLOAD_LIFETIME = dt.timedelta(hours=24)


def export_root() -> Path:
    """The private directory of the export files (never served by the web server: downloads go through a view)."""
    return Path(settings.EXPORT_ROOT)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Could not be prepared"


class ExportJobQuerySet(models.QuerySet):
    def expired(self, now: dt.datetime) -> "ExportJobQuerySet":
        """Finished exports whose download link has run out and whose file is still on disk."""
        return self.filter(expires_at__lte=now).exclude(file_name="")


class ExportJob(models.Model):
    """One full export of a patient's record (a ZIP file), asked for by the patient or a member of their care team."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0–100.")
    file_name = models.CharField(max_length=200, blank=True, help_text="The ZIP file, relative to EXPORT_ROOT.")
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="24 hours after it was ready.")

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-created_at"]), models.Index(fields=["expires_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="exportjob_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="exportjob_progress_percent"),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.DONE) | Q(expires_at__isnull=False), name="exportjob_done_expires"
            ),
        ]

    def __str__(self) -> str:
        return f"Export of {self.patient} at {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    def is_expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    @property
    def path(self) -> Path | None:
        return export_root() / self.file_name if self.file_name else None

    def delete_file(self) -> None:
        """Remove the ZIP file from disk (the job stays, so its link can say that it has expired)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.file_name = ""
            self.save(update_fields=["file_name"])
