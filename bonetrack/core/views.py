from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks
from .htmx import HtmxHttpRequest


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Landing page for visitors; signed-in users go to their role's start page."""
    user = request.user
    if not user.is_authenticated:
        return TemplateResponse(request, "core/landing.html", {})
    if user.is_patient:
        profile = getattr(user, "patient_profile", None)
        if profile is None:  # only accounts made by hand in the admin lack one
            return TemplateResponse(request, "core/landing.html", {"missing_profile": True})
        return redirect("dashboard:patient-dashboard", patient_id=profile.pk)
    return redirect("clinic:worklist")


@never_cache
@require_GET
def healthz(request: HtmxHttpRequest) -> JsonResponse:
    """Liveness of every part, as JSON: 200 when all are OK, 503 otherwise. No patient data."""
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)
