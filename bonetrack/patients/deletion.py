"""Deleting a patient's account: the patient's choice (after the export is offered) or an admin's, on request.

Everything that names the person is erased in one transaction; the access log keeps its rows, with the person
replaced by a random pseudonym (see bonetrack.audit.models), so that clinicians' accesses stay auditable.

Every row hanging off the user or the patient profile goes by CASCADE: the scans, food log, supplements, exercise,
labs, fractures, falls, medication courses and doses, notes, reminders, FRAX results, export jobs, care-team
memberships, the allauth email addresses and authenticators. Rows that only name the person as the one who typed them in
(`recorded_by`, `entered_by`, ...) keep the row and lose the name (SET_NULL). What no foreign key leads to is erased
here: export and scan report files on disk, sessions, failed sign-ins (django-axes, by email address), the Django
admin's history of the deleted rows, and the patient's name in what their care team was sent
(`reminders.services.patient_account_deleted`).
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.db.models.deletion import Collector

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.audit.models import AccessAction, AccessEvent, new_pseudonym
from bonetrack.portability.services import exports_erase
from bonetrack.reminders.services import patient_account_deleted
from dexa.reports import erase_patient_reports


@transaction.atomic
def delete_patient_account(*, patient: PatientProfile, by: User) -> str:
    """Erase the patient's account and records, keep the access log under a pseudonym; return the pseudonym.

    `by` is the patient themself or the admin who acted on their request: the log records the deletion under the
    admin's name, or under the pseudonym alone.
    """
    user = patient.user
    ref = new_pseudonym("patient")
    patient_account_deleted(patient=patient, ref=ref)
    AccessEvent.objects.pseudonymise(user_id=user.pk, patient_id=patient.pk, ref=ref)
    _delete_sessions(user)
    exports_erase(patient=patient)
    erase_patient_reports(patient)
    email = user.email.lower()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()
    collector = Collector(using=DEFAULT_DB_ALIAS)
    collector.collect([user])
    _admin_history_of(collector).delete()
    collector.delete()
    by_self = by.pk == user.pk
    AccessEvent.objects.create(
        actor=None if by_self else by,
        actor_ref=ref if by_self else "",
        patient_ref=ref,
        action=AccessAction.DELETE,
        summary="Account deleted by the patient" if by_self else "Account deleted by an admin, on the patient's request",
    )
    return ref


def _delete_sessions(user: User) -> None:
    """Sign the person out everywhere: their sessions hold only their id, but nothing should outlive the account."""
    key = str(user.pk)
    mine = [session.pk for session in Session.objects.iterator() if session.get_decoded().get("_auth_user_id") == key]
    Session.objects.filter(pk__in=mine).delete()


def _admin_history_of(collector: Collector):
    """The Django admin's history entries of the rows about to be deleted (their `object_repr` may name the person)."""
    by_model: dict[type, set[str]] = {}
    for model, instances in collector.data.items():
        by_model.setdefault(model, set()).update(str(instance.pk) for instance in instances)
    # Rows deleted in bulk, without loading them (a queryset per relation): only those the admin logged are read.
    fast: dict[type, list] = {}
    for queryset in collector.fast_deletes:
        fast.setdefault(queryset.model, []).append(queryset)
    types = ContentType.objects.get_for_models(*by_model, *fast)
    match = Q(pk__in=[])
    for model, content_type in types.items():
        object_ids = LogEntry.objects.filter(content_type=content_type).values_list("object_id", flat=True)
        logged = {oid for oid in object_ids if oid.isdigit()}
        if not logged:
            continue
        ids = by_model.get(model, set()) & logged
        for queryset in fast.get(model, []):
            ids |= {str(pk) for pk in queryset.filter(pk__in=sorted(logged, key=int)).values_list("pk", flat=True)}
        if ids:
            match |= Q(content_type=content_type, object_id__in=ids)
    return LogEntry.objects.filter(match)
