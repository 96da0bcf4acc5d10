"""The admin, tailored for running the clinic: account actions on users, and clinician notes."""

from allauth.account.decorators import secure_admin_login
from allauth.account.internal.flows.password_reset import request_password_reset
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from bonetrack.accounts.admin import UserAdmin
from bonetrack.audit.patient_admin import PatientRecordAdmin

from .models import ClinicalNote

User = get_user_model()


class ClinicUserAdmin(UserAdmin):
    """Users, with deactivation and forced password resets. Staff are invited (Staff invitations), never created here
    with a password typed by an administrator; patients sign up themselves."""

    change_list_template = "admin/accounts/user/clinic_change_list.html"
    actions = ["deactivate", "force_password_reset"]

    def has_add_permission(self, request):
        return False

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("Nobody sets another person's password: use Force a password reset.")

    @admin.action(description="Deactivate the selected accounts (they can no longer sign in)")
    def deactivate(self, request, queryset):
        count = queryset.exclude(pk=request.user.pk).filter(is_active=True).update(is_active=False)
        if queryset.filter(pk=request.user.pk).exists():
            messages.warning(request, "You cannot deactivate your own account; it was left active.")
        messages.success(request, f"Deactivated {count} account(s).")

    @admin.action(description="Force a password reset (clear the password and email a reset link)")
    def force_password_reset(self, request, queryset):
        users = list(queryset.filter(is_active=True))
        for user in users:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            # The reset token is made from the new (unusable) password, so it stays valid until used.
            request_password_reset(request, user.email, [user], None)
        messages.success(request, f"Password cleared and a reset link emailed to {len(users)} account(s).")


admin.site.site_header = "BoneTrack administration"
admin.site.site_title = "BoneTrack admin"
admin.site.index_title = "Accounts, care teams, reference data and the access log"

admin.site.unregister(User)
admin.site.register(User, ClinicUserAdmin)

# Sign in to the admin through allauth's form, which asks for the second factor; Django's own asks only for the password.
admin.site.login = secure_admin_login(admin.site.login)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has which second factor, and since when; never its secret.

    Deleting one (a lost phone) makes its owner enrol again at their next sign-in.
    """

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClinicalNote)
class ClinicalNoteAdmin(PatientRecordAdmin):
    """Notes are read here, never written, changed or deleted: the record says what the care team wrote, and when.

    Each note's History page lists what was ever done to it in the admin.
    """

    list_display = ("created_at", "patient", "author")
    list_filter = (("created_at", admin.DateFieldListFilter), ("author", admin.RelatedOnlyFieldListFilter))
    search_fields = ("patient__user__email", "patient__user__last_name", "body")
    list_select_related = ("patient__user", "author")
    fields = ("patient", "author", "created_at", "scan", "body")
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # notes are written on the patient's timeline

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
