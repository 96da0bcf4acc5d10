from django.contrib import admin, messages
from django.utils import timezone

from bonetrack.audit.patient_admin import PatientRecordAdmin

from .forms import StaffInvitationForm
from .models import CareTeamInvitation, CareTeamMembership, StaffInvitation
from .services import membership_added, membership_remove, membership_restore
from .staff_invitations import (
    staff_invitation_create,
    staff_invitation_from_requests,
    staff_invitation_resend,
    staff_invitation_revoke,
)


@admin.register(CareTeamMembership)
class CareTeamMembershipAdmin(PatientRecordAdmin):
    list_display = ("patient", "clinician", "assigned_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("patient__user__email", "patient__user__last_name", "clinician__email", "clinician__last_name")
    autocomplete_fields = ("patient", "clinician")
    readonly_fields = ("assigned_by", "assigned_at", "revoked_at", "revoked_by")
    actions = ["restore_access"]

    def get_readonly_fields(self, request, obj=None):
        # Who is on whose team is set when the row is added; a different pair is a different membership.
        return self.readonly_fields + (("patient", "clinician") if obj else ())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            membership_added(obj, by=request.user)

    def delete_model(self, request, obj):
        membership_remove(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("patient", "clinician"):
            membership_remove(membership, by=request.user)

    @admin.action(description="Restore access for the selected (revoked) memberships")
    def restore_access(self, request, queryset):
        revoked = list(queryset.filter(revoked_at__isnull=False).select_related("patient", "clinician"))
        for membership in revoked:
            membership_restore(membership, by=request.user)
            self.log_change(request, membership, "Restored access.")
        messages.success(request, f"Restored {len(revoked)} membership(s).")


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting"), ("expired", "Expired"), ("accepted", "Accepted"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "waiting": queryset.open().filter(expires_at__gt=now),
            "expired": queryset.open().filter(expires_at__lte=now),
            "accepted": queryset.filter(accepted_at__isnull=False),
            "revoked": queryset.filter(revoked_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(StaffInvitation)
class StaffInvitationAdmin(PatientRecordAdmin):
    """Invite clinicians and admins; they choose their own password from the emailed link.

    The invitation names the patients whose care teams the clinician joins, so its pages write the access log.
    """

    patient_lookup = "patients__pk"

    form = StaffInvitationForm
    list_display = ("email", "first_name", "last_name", "role", "status", "sent_at", "expires_at", "invited_by")
    list_filter = (StatusFilter, "role")
    search_fields = ("email", "first_name", "last_name")
    autocomplete_fields = ("patients",)
    actions = ["resend", "revoke"]
    fields = ("email", "first_name", "last_name", "role", "patients")
    shown_after_sending = (
        "status",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "user",
        "revoked_at",
        "revoked_by",
    )

    @admin.display(description="status")
    def status(self, obj: StaffInvitation) -> str:
        return obj.status

    def get_fields(self, request, obj=None):
        return self.fields + (self.shown_after_sending if obj else ())

    def get_readonly_fields(self, request, obj=None):
        # A sent invitation is not edited: revoke it and invite again.
        return self.fields + self.shown_after_sending if obj else ()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("role") in ("clinician", "admin"):
            initial["role"] = request.GET["role"]
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = staff_invitation_create(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            patients=data["patients"],
            by=request.user,
        )
        # The admin's confirmation and history name the row the service saved.
        obj.pk = created.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """The care teams were saved with the invitation; a sent invitation is read-only."""

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(request, f"Invitation emailed to {obj.email}; the link works once, for 7 days.")
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Resend the selected invitations (a new link, valid 7 days; the old link stops working)")
    def resend(self, request, queryset):
        sent = [invitation for invitation in queryset if staff_invitation_resend(invitation)]
        for invitation in sent:
            self.log_change(request, invitation, "Resent with a new link.")
        skipped = queryset.count() - len(sent)
        messages.success(request, f"Resent {len(sent)} invitation(s).")
        if skipped:
            messages.warning(request, f"{skipped} accepted or revoked invitation(s) were not resent.")

    @admin.action(description="Revoke the selected invitations (their links stop working)")
    def revoke(self, request, queryset):
        revoked = [invitation for invitation in queryset if staff_invitation_revoke(invitation, by=request.user)]
        for invitation in revoked:
            self.log_change(request, invitation, "Revoked.")
        messages.success(request, f"Revoked {len(revoked)} invitation(s).")


class NeedsAccountFilter(admin.SimpleListFilter):
    title = "clinician account"
    parameter_name = "needs_account"

    def lookups(self, request, model_admin):
        return [("yes", "No account yet (waiting for an administrator)")]

    def queryset(self, request, queryset):
        return queryset.needing_an_account().filter(expires_at__gt=timezone.now()) if self.value() == "yes" else queryset


@admin.register(CareTeamInvitation)
class CareTeamInvitationAdmin(PatientRecordAdmin):
    """Patients' invitations to clinicians; those to addresses without an account can become staff invitations."""

    list_display = ("patient", "email", "clinician", "status", "created_at", "expires_at", "staff_invitation")
    list_filter = (NeedsAccountFilter,)
    search_fields = ("email", "patient__user__email", "patient__user__last_name")
    list_select_related = ("patient__user", "clinician", "staff_invitation")
    actions = ["invite_as_clinician"]

    @admin.display(description="status")
    def status(self, obj: CareTeamInvitation) -> str:
        return obj.status

    def has_add_permission(self, request):
        return False  # patients send them from their care team page

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Invite the selected addresses as clinicians (on these patients' care teams)")
    def invite_as_clinician(self, request, queryset):
        invitations = staff_invitation_from_requests(queryset.select_related("patient__user"), by=request.user)
        if invitations:
            messages.success(request, "Invitation emailed to " + ", ".join(invitation.email for invitation in invitations) + ".")
        else:
            messages.warning(request, "Nothing to invite: choose waiting requests to addresses without an account.")
