"""Asking for a full export: the job is recorded, and written by a Celery task once the request commits. When an
account is deleted, its export files go at once (`exports_erase`)."""

import shutil

from django.db import transaction

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.enqueue import enqueue_on_commit

from .jobs import patient_folder
from .models import ExportJob, export_root
from .tasks import build_export_task


def export_request(*, patient: PatientProfile, by) -> ExportJob:
    """Record a new export job for `patient`, asked for by `by`, and queue it after commit."""
    job = ExportJob.objects.create(patient=patient, requested_by=by)
    enqueue_on_commit(build_export_task, job.pk)
    return job


def exports_erase(*, patient: PatientProfile) -> None:
    """Delete every export file of `patient` once the surrounding transaction commits (account deletion).

    The files are the patient's whole record: they must not wait for the hourly cleanup of expired links.
    """
    folder = export_root() / patient_folder(patient.pk)
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
