"""The access log: who looked at or changed a patient's record, when, and from where. Rows are never edited."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to edit or delete an audit row."""


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit rows cannot be deleted.")

    def for_patient(self, patient) -> "AccessEventQuerySet":
        return self.filter(patient=patient)

    def by_others(self) -> "AccessEventQuerySet":
        """Events whose actor is not the patient themself."""
        return self.exclude(actor_id=models.F("patient__user_id"))

    def views(self) -> "AccessEventQuerySet":
        return self.filter(action=AccessAction.VIEW)


class AccessEvent(models.Model):
    """One view or change of a patient's data. Append-only (see also the PostgreSQL trigger in 0002)."""

    # PROTECT: people with an access history are deactivated, never deleted, so the history stays whole.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.PROTECT, related_name="access_events")
    action = models.CharField(max_length=8, choices=AccessAction.choices)
    path = models.CharField(max_length=500)
    method = models.CharField(max_length=8)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"]), models.Index(fields=["actor", "-at"])]
        constraints = [models.CheckConstraint(condition=models.Q(action__in=AccessAction.values), name="access_action_valid")]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display().lower()} {self.path} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows cannot be deleted.")
