"""Who may see which patient. Every view that touches patient data goes through this module.

- a patient sees only themself;
- a clinician sees the patients whose care team they are on and who have not revoked them;
- an admin sees everyone.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from bonetrack.accounts.models import PatientProfile, Role
from bonetrack.audit.recording import record_access, request_action, should_record, watching_for_changes


def patients_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The patients `user` may see, as a queryset (chainable, evaluated lazily)."""
    patients = PatientProfile.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return patients.none()
    if user.role == Role.ADMIN:
        return patients
    if user.role == Role.CLINICIAN:
        return patients.filter(
            care_team_memberships__clinician=user, care_team_memberships__revoked_at__isnull=True, user__is_active=True
        )
    return patients.filter(user=user)


def can_view_patient(user, patient: PatientProfile) -> bool:
    return patients_visible_to(user).filter(pk=patient.pk).exists()


def get_visible_patient(user, patient_id: int) -> PatientProfile:
    """The patient with this id if `user` may see them, else 404 (never 403: ids of others are not confirmed)."""
    return get_object_or_404(patients_visible_to(user).select_related("user"), pk=patient_id)


def patient_view(view):
    """Decorate a view taking `patient_id`: it receives the visible `patient` instead, or the request 404s.

    Requests are written to the access log: views by anyone but the patient, and every change. A change is
    recorded only when the request wrote to the database; a form sent back with its errors, at whatever status,
    showed the record and is recorded as a view.
    """

    @login_required
    @wraps(view)
    def wrapper(request, patient_id: int, *args, **kwargs):
        patient = get_visible_patient(request.user, patient_id)
        request.patient = patient
        if patient.user_id == request.user.pk:
            # The navigation reads the patient's own profile; reuse the row just loaded.
            request.user.patient_profile = patient
        with watching_for_changes() as watcher:
            response = view(request, patient, *args, **kwargs)
        # The access log (bonetrack.audit): whatever was written, and any page that showed the record (422 is a
        # form shown again with its errors).
        action = request_action(request, changed=watcher.changed)
        shown = response.status_code < 400 or response.status_code == 422
        if (watcher.changed or shown) and should_record(request, patient, action):
            record_access(request, patient, action=action)
        return response

    return wrapper


def care_team_required(view):
    """Allow only signed-in clinicians and admins (403 for anyone else): pages about many patients at once."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_care_team:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# What a patient may not change: an entry of the care team's, or one the care team has verified. They can ask for a
# correction in a note instead. Care team members who may see the record may change any entry in it.
CARE_TEAM_ENTRY_MESSAGE = "Your care team entered this, so only they can change it. Ask them in a note if it needs correcting."


def may_change_entry(user, *, entered_by, verified: bool = False) -> bool:
    """True when `user` (who may already see the record) may edit or delete an entry made by `entered_by`.

    Patients may change what they entered themselves (or what was imported into their record), unless the care team
    has verified it; never what a clinician or admin entered. `entered_by` is a User or None (imported, or an account
    since deleted: a patient may change those).
    """
    if user.role != Role.PATIENT:
        return True
    if verified:
        return False
    return entered_by is None or entered_by.role == Role.PATIENT
