"""Two-factor authentication is required for clinicians and admins (setting BONETRACK_REQUIRE_MFA, default on).

- Without a TOTP authenticator they are sent to enrol one (allauth's `mfa_activate_totp`) before anything else;
  only signing in and out, and enrolment (with the password confirmation allauth asks for first), are open to them.
- With one, the session must have passed allauth's code step at sign-in or have enrolled during this session;
  otherwise the session is signed out. allauth's own account pages are no exception: a session that knows only
  the password must not reach the pages that remove or replace the authenticator.
- htmx requests from a session in either state get an `HX-Redirect`, never a redirect: the browser's XHR would
  follow a redirect and htmx would paste the whole page into the fragment.
- Once verified, the session remembers it, so the check costs no query on later requests.
Patients are never asked.

TOTP secrets and recovery-code seeds are stored encrypted (MFAAdapter), and wrong codes are throttled by allauth's
`login_failed` rate limit (ACCOUNT_RATE_LIMITS); the owner is emailed when the limit locks the code step.
"""

import base64
import functools
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.core import context, ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from axes.helpers import get_client_ip_address
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import wants_partial
from bonetrack.core.timezones import zone_of

VERIFIED_SESSION_KEY = "bonetrack.mfa_verified"
# Open to any session that has not passed the second factor yet.
OPEN_BEFORE_VERIFICATION = ("account_login", "account_logout", "mfa_authenticate")
# Also open to one without an authenticator, so that it can enrol.
OPEN_FOR_ENROLMENT = ("account_reauthenticate", "mfa_activate_totp")
# No data of anyone behind these: the status probe, and what a phone needs to install the site and show it offline.
EXEMPT_PREFIXES = ("/healthz", "/manifest.webmanifest", "/sw.js", "/offline/")


def mfa_required() -> bool:
    return getattr(settings, "BONETRACK_REQUIRE_MFA", True)


def _passed_mfa(session) -> bool:
    return any(entry.get("method") == "mfa" for entry in session.get(AUTHENTICATION_METHODS_SESSION_KEY, []))


def _paths(url_names) -> set[str]:
    return {reverse(name) for name in url_names}


def _send_to(request, url: str):
    # A history restore asks for a whole page, which htmx swaps into <body>: a plain redirect serves it well.
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_url = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        # Read by base.html: nothing polls on the pages such a session may see.
        request.mfa_pending = False
        user = getattr(request, "user", None)
        if not (
            mfa_required()
            and user is not None
            and user.is_authenticated
            and user.is_care_team
            and not request.session.get(VERIFIED_SESSION_KEY)
        ):
            return self.get_response(request)
        enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        # The code step leaves a record in the session; it no longer counts once the authenticator is removed.
        if enrolled and _passed_mfa(request.session):
            request.session[VERIFIED_SESSION_KEY] = True
            return self.get_response(request)
        request.mfa_pending = True
        if request.path.startswith((*EXEMPT_PREFIXES, self.static_url)) or request.path in _paths(OPEN_BEFORE_VERIFICATION):
            return self.get_response(request)
        if not enrolled:
            if request.path in _paths(OPEN_FOR_ENROLMENT):
                return self.get_response(request)
            if not wants_partial(request):
                messages.info(request, "Set up two-factor authentication to continue: clinicians and admins need it.")
            return _send_to(request, reverse("mfa_activate_totp"))
        # An authenticator, yet this session neither passed the code at sign-in nor enrolled (e.g. it signed in
        # through a form other than allauth's): sign it out, so that the next sign-in asks for the code.
        next_path = (request.htmx.current_url_abs_path if wants_partial(request) else None) or request.get_full_path()
        logout(request)
        return _send_to(request, f"{reverse('account_login')}?{urlencode({'next': next_path})}")


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


def code_step_locked(request, user) -> bool:
    """Whether allauth refuses further codes for `user` (ACCOUNT_RATE_LIMITS["login_failed"]).

    allauth counts each code typed at sign-in, reauthentication or enrolment under this key, and forgets them
    all once a right one is typed (allauth.mfa.base.internal.flows.check_rate_limit).
    """
    return not ratelimit.consume(request, action="login_failed", key=f"mfa-auth-user-{user.pk}", dry_run=True)


@receiver(authentication_failed)
def _wrong_code(sender, request, user, authenticator, **kwargs):
    """Tell the owner when wrong codes lock the code step: whoever typed them knew the password.

    Once locked, allauth refuses codes before checking them, so this fires once per lockout.
    """
    if request is None or not code_step_locked(request, user):
        return
    get_account_adapter(request).send_mail(
        "mfa/email/code_lockout",
        user.email,
        {
            "user": user,
            "ip": get_client_ip_address(request) or "unknown",
            "when": _moment_text(timezone.localtime(timezone.now(), zone_of(user)), user.date_format),
        },
    )


def _moment_text(moment, style: str) -> str:
    """The moment as "29 November 2026 at 14:05 GMT", the day in the recipient's date style."""
    return f"{format_day(moment.date(), style, long=True)} at {moment:%H:%M %Z}"


@functools.cache
def _secret_box(keys: tuple[str, ...]) -> MultiFernet:
    """Fernet keys derived (HKDF-SHA256) from each configured key; the first encrypts, every one decrypts."""

    def fernet(key: str) -> Fernet:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"bonetrack.mfa.secrets").derive(key.encode())
        return Fernet(base64.urlsafe_b64encode(derived))

    return MultiFernet([fernet(key) for key in keys])


def secret_box() -> MultiFernet:
    """BONETRACK_MFA_ENCRYPTION_KEYS, or else SECRET_KEY followed by SECRET_KEY_FALLBACKS."""
    keys = settings.BONETRACK_MFA_ENCRYPTION_KEYS or [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return _secret_box(tuple(keys))


def encrypt_secret(text: str) -> str:
    return secret_box().encrypt(text.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return secret_box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored two-factor secret cannot be decrypted: was the key that encrypted it removed from "
            "BONETRACK_MFA_ENCRYPTION_KEYS (or, without that setting, from SECRET_KEY and SECRET_KEY_FALLBACKS)?"
        ) from exc


def is_encrypted(value: str) -> bool:
    try:
        secret_box().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def rewrite_stored_secrets(authenticators, transform) -> int:
    """Apply `transform` to every secret value of `authenticators` (allauth's Authenticator rows, also from a
    migration's historical model): the TOTP secret, the recovery-code seed and codes migrated from older libraries.
    Returns how many rows changed."""
    changed = 0
    for authenticator in authenticators.filter(type__in=["totp", "recovery_codes"]).iterator():
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = transform(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [transform(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            changed += 1
    return changed


class MFAAdapter(DefaultMFAAdapter):
    """allauth stores every TOTP secret and recovery-code seed through these two hooks."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """allauth's enrolment form, keeping one secret per session instead of a new one on every page load.

    A reload, a second tab or a stray request for the page would otherwise replace the secret already scanned
    into the app, and its codes would be refused. allauth drops the secret from the session on enrolment.
    """

    def __init__(self, *args, **kwargs):
        scanned = context.request.session.get(SECRET_SESSION_KEY)
        super().__init__(*args, **kwargs)
        if scanned:
            self.secret = context.request.session[SECRET_SESSION_KEY] = scanned
