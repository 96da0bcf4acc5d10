"""What other apps tell the reminders: a patient's due date moved.

The app that owns a date calls this in the transaction that changes it (the DEXA app, from
`dexa.services.refresh_next_scan_due`), so the record and the withdrawal commit, or roll back, with the date.
"""

import datetime as dt

from django.urls import reverse

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.models import CareTeamMembership
from bonetrack.core.enqueue import enqueue_on_commit

from . import dose_kinds, kinds
from .due_dates import due_date_changed
from .models import ClinicianDigest, Notification
from .sweep import digest_body
from .tasks import sweep_reminders_task


def scan_due_date_changed(*, patient: PatientProfile, due_on: dt.date | None) -> None:
    """The patient's next scan is now due on `due_on` (None: no date any more).

    Records since when the date is known (stages that passed before it are never sent), withdraws the old date's
    notifications and pending emails, and sweeps this patient after commit, so an in-app reminder that is now
    current appears at once rather than at the next periodic sweep. That sweep also withdraws what a concurrent
    sweep recorded for the old date just before this change committed. Broker down: the periodic sweep catches up.
    """
    due_date_changed(patient, kinds.SCAN_DUE, due_on)
    enqueue_on_commit(sweep_reminders_task, [patient.pk])


def dose_schedule_changed(*, patient: PatientProfile) -> None:
    """A dose was recorded or removed, or a course started, changed or stopped: the patient's dose due dates moved.

    Records since when each clinic-given course's due date is known (a course entered with a dose already past due
    gets one overdue notice, not the stages it missed), drops the dates of courses that no longer have one, withdraws
    the notifications of dates that are no longer current, and sweeps this patient after commit (that sweep also
    withdraws a self-given dose-day reminder once the dose is ticked).
    """
    kind = dose_kinds.DOSE_CLINIC
    due = kind.course_due_dates([patient.pk])
    for course_id, (_, due_on) in due.items():
        due_date_changed(patient, kind, due_on, course_id=course_id)
    for course_id in (
        patient.reminder_due_dates.filter(kind=kind.key, course__isnull=False)
        .exclude(course_id__in=list(due))
        .values_list("course_id", flat=True)
    ):
        due_date_changed(patient, kind, None, course_id=course_id)
    enqueue_on_commit(sweep_reminders_task, [patient.pk])


def patient_account_deleted(*, patient: PatientProfile, ref: str) -> int:
    """The patient's account is being erased: tell their care team, and take the patient out of what others were sent.

    Called by the deletion service before the rows go, in its transaction. Each clinician on the active care team
    gets a notification that names only the pseudonym `ref`. Notifications to others that lead into the patient's
    pages (a late dose) are deleted; overdue digests drop the patient from their list (so an email not yet sent
    leaves them out too) and their notification's text is rebuilt without them. The patient's own reminders and
    notifications go with the account. Returns the number of clinicians told.
    """
    memberships = CareTeamMembership.objects.filter(patient=patient)
    team = list(memberships.active().filter(clinician__is_active=True).values_list("clinician_id", flat=True))
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=clinician_id,
                title=f"A patient deleted their account (ref {ref})",
                body="Their records are erased. Your visits to their record stay in the access log under this reference.",
            )
            for clinician_id in team
        ]
    )
    # Every page of a patient's record lives under this path.
    prefix = reverse("patients:profile", kwargs={"patient_id": patient.pk}).removesuffix("profile/")
    Notification.objects.filter(url__startswith=prefix).exclude(recipient_id=patient.user_id).delete()
    # Digests list the patients of the clinician's team only: those of anyone ever on it (revoked or not).
    for digest in ClinicianDigest.objects.filter(clinician_id__in=memberships.values("clinician_id")):
        kept = [entry for entry in digest.patients if entry.get("id") != patient.pk]
        if len(kept) != len(digest.patients):
            digest.patients = kept
            digest.save(update_fields=["patients"])
            Notification.objects.filter(digest=digest).update(body=digest_body(kept))
    return len(team)
