"""Writing the access log: one INSERT per recorded request."""

from django.conf import settings
from django.http import HttpRequest

from .models import AccessAction, AccessEvent

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the right entry of X-Forwarded-For behind `AXES_PROXY_COUNT` proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def action_for(request: HttpRequest) -> str:
    """View for safe methods; for writes, infer create/delete from the URL name, else change."""
    if request.method in SAFE_METHODS:
        return AccessAction.VIEW
    if request.method == "DELETE":
        return AccessAction.DELETE
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    if name.endswith(("-delete", "-remove")):
        return AccessAction.DELETE
    if name.endswith(("-add", "-create", "-new", "-upload", "-import", "-log")):
        return AccessAction.CREATE
    return AccessAction.CHANGE


def page_label(match) -> str:
    """A readable name for the page, e.g. "dexa:scan-list" gives "Scan list"."""
    if match is None or not match.url_name:
        return ""
    return match.url_name.replace("-", " ").replace("_", " ").capitalize()


def record_access(request: HttpRequest, patient, *, action: str | None = None, summary: str = "") -> AccessEvent:
    """Append one row to the access log for this request."""
    match = getattr(request, "resolver_match", None)
    return AccessEvent.objects.create(
        actor=request.user,
        patient=patient,
        action=action or action_for(request),
        path=request.get_full_path()[:500],
        method=request.method[:8],
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        summary=(summary or page_label(match))[:300],
    )


def should_record(request: HttpRequest, patient) -> bool:
    """Every change is recorded; a view is recorded unless the patient is looking at their own record."""
    if request.method not in SAFE_METHODS:
        return True
    return request.user.pk != patient.user_id
