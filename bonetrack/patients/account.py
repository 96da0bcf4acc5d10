"""Deleting one's own account: the page that explains it, offers the export, and asks for the password."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from bonetrack.careteams.access import get_visible_patient
from bonetrack.core.htmx import HtmxHttpRequest

from .deletion import delete_patient_account
from .forms import AccountDeleteForm


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HtmxHttpRequest, patient_id: int) -> HttpResponse:
    """Only the patient deletes their own account here; their care team cannot (admins have the admin's action).

    Not `patient_view`: it writes the access log after the view, when this patient no longer exists. The deletion
    service writes the log's row itself; a page or a refused password that changes nothing is the patient looking
    at their own record, which is never logged.
    """
    patient = get_visible_patient(request.user, patient_id)
    if patient.user_id != request.user.pk:
        raise PermissionDenied
    request.user.patient_profile = patient
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, request=request, user=request.user)
    if request.method == "POST" and form.is_valid():
        delete_patient_account(patient=patient, by=request.user)
        logout(request)
        response = redirect("patients:account-deleted")
        # Signed out by now, so the middleware that marks signed-in answers adds nothing: this one came from a session.
        patch_cache_control(response, private=True, no_store=True)
        return response
    return TemplateResponse(
        request, "patients/account_delete.html", {"patient": patient, "form": form}, status=422 if form.errors else 200
    )


@require_GET
def account_deleted(request: HtmxHttpRequest) -> HttpResponse:
    """Goodbye: shown to anyone, it says nothing about whose account it was."""
    return TemplateResponse(request, "patients/account_deleted.html", {})
