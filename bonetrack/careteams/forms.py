from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.utils import timezone

from bonetrack.accounts.models import User
from bonetrack.core.date_display import format_day

from .models import StaffInvitation, StaffRole


class StaffInvitationForm(forms.ModelForm):
    """The administrator's invitation: who, which role, and (for a clinician) which patients' care teams."""

    class Meta:
        model = StaffInvitation
        fields = ["email", "first_name", "last_name", "role", "patients"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing:
            raise forms.ValidationError(
                f"{email} already has a BoneTrack account ({existing.get_role_display().lower()}). "
                "No invitation is needed: assign them to care teams under Care team memberships."
            )
        waiting = StaffInvitation.objects.open().filter(email__iexact=email).first()
        if waiting:
            state = "expired" if waiting.expires_at <= timezone.now() else "is waiting"
            raise forms.ValidationError(
                f"An invitation to {email} {state} (sent {format_day(waiting.sent_at)}). "
                "Resend it (a new link) or revoke it from the list of staff invitations."
            )
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") == StaffRole.ADMIN and data.get("patients"):
            self.add_error("patients", "Administrators see every patient: leave the care teams empty for an admin.")
        return data


class InviteClinicianForm(forms.Form):
    """A patient invites their clinician by email."""

    email = forms.EmailField(
        label="Your clinician's email address",
        max_length=254,
        help_text="They get an email with a link. Once they accept, they can see your record.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class AcceptStaffInvitationForm(forms.Form):
    """The invitee's name and the password they choose (BoneTrack's password rules apply)."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not only numbers, and not a common password.",
    )
    password2 = forms.CharField(
        label="Type it again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation: StaffInvitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are not the same.")
        elif password1:
            # The unsaved user lets the similarity rule compare the password with the name and address.
            user = User(email=self.invitation.email, first_name=data.get("first_name", ""), last_name=data.get("last_name", ""))
            try:
                get_account_adapter().clean_password(password1, user=user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
