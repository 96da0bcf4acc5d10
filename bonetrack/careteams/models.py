from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class CareTeamMembershipQuerySet(models.QuerySet):
    def active(self) -> "CareTeamMembershipQuerySet":
        """Memberships the patient has not revoked."""
        return self.filter(revoked_at__isnull=True)


class CareTeamMembership(models.Model):
    """A clinician on a patient's care team, assigned by an admin or by accepting the patient's invitation.

    The patient may revoke it; inviting the clinician again (or an admin) restores it.
    """

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


class StaffRole(models.TextChoices):
    """The roles an administrator may invite (patients sign up themselves)."""

    CLINICIAN = "clinician", "Clinician"
    ADMIN = "admin", "Admin"


class StaffInvitationQuerySet(models.QuerySet):
    def open(self) -> "StaffInvitationQuerySet":
        """Neither accepted nor revoked (possibly expired: a resend renews it)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def usable(self) -> "StaffInvitationQuerySet":
        """Open and not expired: the link still works."""
        return self.open().filter(expires_at__gt=timezone.now())


class StaffInvitation(models.Model):
    """An administrator's invitation to a clinician or admin: the invitee sets their own password from the link."""

    email = models.EmailField("email address")
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=StaffRole.choices, default=StaffRole.CLINICIAN)
    patients = models.ManyToManyField(
        "accounts.PatientProfile",
        blank=True,
        related_name="+",
        verbose_name="care teams",
        help_text="The patients this clinician will look after (they join each patient's care team on accepting).",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now, help_text="When the current link was sent.")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_invitation"
    )

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="staffinvitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True), name="staffinvitation_accepted_or_revoked"
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("sent_at")), name="staffinvitation_expires_after_sent"),
            # One open invitation per address: a second would be a second way in.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="staffinvitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} invitation for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "waiting"


class CareTeamInvitationQuerySet(models.QuerySet):
    def open(self) -> "CareTeamInvitationQuerySet":
        """Not yet accepted, declined or cancelled (possibly expired)."""
        return self.filter(accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True)

    def usable(self) -> "CareTeamInvitationQuerySet":
        """Open and not expired: the clinician can still accept it."""
        return self.open().filter(expires_at__gt=timezone.now())

    def for_clinician(self, user) -> "CareTeamInvitationQuerySet":
        """Invitations waiting for `user`'s answer, with their patients, oldest first."""
        return self.usable().filter(clinician=user).select_related("patient__user").order_by("created_at", "pk")

    def needing_an_account(self) -> "CareTeamInvitationQuerySet":
        """Open requests to addresses with no clinician account: for an administrator to turn into a staff invitation."""
        return self.open().filter(clinician__isnull=True)


class CareTeamInvitation(models.Model):
    """A patient's invitation to a clinician to join their care team; the clinician accepts or declines.

    `clinician` is the clinician account the address belonged to when the patient sent it; without one the request
    waits for an administrator, who may invite the address as staff (`staff_invitation`).
    """

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="care_team_invitations")
    email = models.EmailField("email address")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="care_team_invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    staff_invitation = models.ForeignKey(
        StaffInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="care_team_requests"
    )

    objects = CareTeamInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one ending: accepted, declined or cancelled.
            models.CheckConstraint(
                condition=(
                    Q(accepted_at__isnull=True, declined_at__isnull=True)
                    | Q(accepted_at__isnull=True, cancelled_at__isnull=True)
                    | Q(declined_at__isnull=True, cancelled_at__isnull=True)
                ),
                name="careteaminvitation_one_ending",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="careteaminvitation_expires_after"),
            models.UniqueConstraint(
                "patient",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True),
                name="careteaminvitation_one_open_per_email",
            ),
        ]
        indexes = [models.Index(fields=["clinician", "accepted_at"])]

    def __str__(self) -> str:
        return f"{self.patient} invites {self.email}"

    @property
    def status(self) -> str:
        for field, name in (("accepted_at", "accepted"), ("declined_at", "declined"), ("cancelled_at", "cancelled")):
            if getattr(self, field):
                return name
        return "expired" if self.expires_at <= timezone.now() else "waiting"
