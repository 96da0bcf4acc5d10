from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CareTeamMembershipQuerySet(models.QuerySet):
    def active(self) -> "CareTeamMembershipQuerySet":
        """Memberships the patient has not revoked."""
        return self.filter(revoked_at__isnull=True)


class CareTeamMembership(models.Model):
    """A clinician assigned (by an admin) to a patient; the patient may revoke it, an admin may restore it."""

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="care_team_memberships")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="care_team_memberships",
        limit_choices_to={"role": "clinician"},
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CareTeamMembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "clinician"], name="careteam_unique_patient_clinician"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("assigned_at")),
                name="careteam_revoked_after_assigned",
            ),
        ]
        indexes = [models.Index(fields=["clinician", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.clinician} → {self.patient}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, *, by) -> None:
        """Withdraw the clinician's access (the patient's choice)."""
        self.revoked_at = timezone.now()
        self.revoked_by = by
        self.save(update_fields=["revoked_at", "revoked_by"])

    def restore(self, *, by) -> None:
        """Give the clinician access again (admins only)."""
        self.revoked_at = None
        self.revoked_by = None
        self.assigned_by = by
        self.assigned_at = timezone.now()
        self.save(update_fields=["revoked_at", "revoked_by", "assigned_by", "assigned_at"])
