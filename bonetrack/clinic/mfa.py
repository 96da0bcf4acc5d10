"""Two-factor authentication is required for clinicians and admins (setting BONETRACK_REQUIRE_MFA, default on).

- Without a TOTP authenticator they are sent to enrol one (allauth's `mfa_activate_totp`) before anything else.
- With one, the session must have passed allauth's MFA step at sign-in (allauth asks for the code whenever an
  authenticator exists) or have enrolled during this session; otherwise the session is signed out.
- Once verified, the session remembers it, so the check costs no query on later requests.
Patients are never asked.
"""

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from bonetrack.accounts.models import Role

VERIFIED_SESSION_KEY = "bonetrack.mfa_verified"
ROLES_REQUIRING_MFA = (Role.CLINICIAN, Role.ADMIN)
# Sign-in, sign-out, enrolment and the health check stay reachable.
EXEMPT_PREFIXES = ("/accounts/", "/healthz")


def mfa_required() -> bool:
    return getattr(settings, "BONETRACK_REQUIRE_MFA", True)


def _passed_mfa(session) -> bool:
    return any(entry.get("method") == "mfa" for entry in session.get(AUTHENTICATION_METHODS_SESSION_KEY, []))


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_url = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            mfa_required()
            and user is not None
            and user.is_authenticated
            and user.role in ROLES_REQUIRING_MFA
            and not request.session.get(VERIFIED_SESSION_KEY)
            and not request.path.startswith((*EXEMPT_PREFIXES, self.static_url))
        ):
            if _passed_mfa(request.session):
                request.session[VERIFIED_SESSION_KEY] = True
                return self.get_response(request)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.info(request, "Set up two-factor authentication to continue: clinicians and admins need it.")
                return redirect("mfa_activate_totp")
            # An authenticator, yet this session neither passed the code at sign-in nor enrolled (e.g. it signed
            # in through a form other than allauth's): sign it out, so the next sign-in asks for the code.
            logout(request)
            return redirect(f"{reverse('account_login')}?next={request.path}")
        return self.get_response(request)


@receiver(authenticator_added)
def _enrolled(sender, request, user, authenticator, **kwargs):
    """Entering a valid code to enrol proves the second factor for this session.

    allauth sends this once the transaction commits; with ATOMIC_REQUESTS that is as the view returns, before
    the session is saved.
    """
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        request.session[VERIFIED_SESSION_KEY] = True


@receiver(authenticator_removed)
def _unenrolled(sender, request, user, authenticator, **kwargs):
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        request.session.pop(VERIFIED_SESSION_KEY, None)
