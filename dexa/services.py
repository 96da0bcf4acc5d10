"""Workflows that touch several models: saving a scan with its sites and history, verifying, deleting, and keeping
each scan's summary and the patient's next scan date current."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.audit.events import record_event
from bonetrack.reminders.services import scan_due_date_changed
from bonetrack.treatment.models import Course

from . import rules
from .goals import patient_goal_summary, t_text
from .history import ScanHistory, load_history, summarize
from .models import DexaScan, ScanRevision, SiteMeasurement
from .reports import erase_scan_reports

SUMMARY_FIELDS = (
    "category",
    "diagnosis",
    "diagnosis_reason",
    "lowest_t_score",
    "lowest_t_site",
    "change_status",
    "improvement",
)
# (site, date) of each fragility fracture: R1 (severe), R1b (diagnosis by fracture) and R5 (a risk factor) read them.
Fractures = list[tuple[str, dt.date]]


def apply_summaries(history: ScanHistory, patient: PatientProfile, fragility_fractures: Fractures) -> list[DexaScan]:
    """Set the derived fields on the scans in memory; return the scans whose summary changed."""
    changed = []
    for scan, summary in zip(history.scans, summarize(history, patient, fragility_fractures), strict=True):
        values = {name: getattr(summary, name) for name in SUMMARY_FIELDS}
        if any(getattr(scan, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(scan, name, value)
            changed.append(scan)
    return changed


def apply_goal_status(history: ScanHistory, patient: PatientProfile) -> list[DexaScan]:
    """R13: the goal status on the latest scan ('' on the earlier ones), in memory; return the scans it changed."""
    goals = patient_goal_summary(history, patient)
    latest_status = goals.status if goals else ""
    changed = []
    for scan in history.scans:
        status = latest_status if scan is history.latest else ""
        if scan.goal_status != status:
            scan.goal_status = status
            changed.append(scan)
    return changed


def situation(history: ScanHistory, patient: PatientProfile, fragility_fractures: Fractures) -> rules.ScanSituation | None:
    """What R5 reads from the latest scan, the profile and the medication courses."""
    latest = history.latest
    if latest is None:
        return None
    previous = history.scans[-2] if len(history.scans) > 1 else None
    # A drug started or changed since the previous scan: the latest day a course started or stopped.
    on_medication, medication_changed_on = Course.objects.for_patient(patient).medication_state()
    return rules.ScanSituation(
        latest_scan_on=latest.scanned_on,
        previous_scan_on=previous.scanned_on if previous else None,
        category=latest.category,
        diagnosis=latest.diagnosis,
        lowest_t=latest.lowest_t_score,
        on_medication=on_medication,
        medication_changed_on=medication_changed_on,
        risk_factor=patient.has_clinical_risk_factor or bool(fragility_fractures),
        clinician_interval_months=patient.scan_interval_months,
    )


def next_scan(history: ScanHistory, patient: PatientProfile, fragility_fractures: Fractures) -> rules.NextScan:
    current = situation(history, patient, fragility_fractures)
    if current is None:
        return rules.NextScan(None, "No scan recorded yet: the next date is set from the first scan.")
    return rules.next_scan_due(current)


def refresh_next_scan_due(patient: PatientProfile) -> rules.NextScan:
    """Recompute every scan's summary (R1–R4) and the patient's next scan due date (R5); save what changed.

    Everything that may move the next scan date (a scan, a fracture, the profile's risk factors, a medication
    course, the care team's interval, a facility's LSC) ends by calling this. When the date itself moves, the reminders hear of
    it in the same transaction.
    """
    fractures = list(patient.fractures.fragility().values_list("site", "occurred_on"))
    history = load_history(patient)
    changed = {scan.pk: scan for scan in apply_summaries(history, patient, fractures)}
    changed.update((scan.pk, scan) for scan in apply_goal_status(history, patient))
    if changed:
        DexaScan.objects.bulk_update(changed.values(), [*SUMMARY_FIELDS, "goal_status"])
    due = next_scan(history, patient, fractures)
    rule = due.rule[: PatientProfile._meta.get_field("next_scan_due_rule").max_length]
    if (patient.next_scan_due_on, patient.next_scan_due_rule) != (due.due_on, rule):
        date_moved = patient.next_scan_due_on != due.due_on
        patient.next_scan_due_on, patient.next_scan_due_rule = due.due_on, rule
        patient.save(update_fields=["next_scan_due_on", "next_scan_due_rule"])
        if date_moved:
            scan_due_date_changed(patient=patient, due_on=due.due_on)
    return due


def interval_text(months: int | None) -> str:
    return f"every {months} months" if months else "the default rule"


# `previous` when the caller has not saved the interval yet: read it from the database.
_STORED = object()


@transaction.atomic
def scan_interval_set(*, patient: PatientProfile, months: int | None, by: User, previous=_STORED) -> rules.NextScan:
    """The care team sets the interval between scans (None: back to the default rule); the next date follows.

    A change goes on the record's timeline. `previous` is the interval before the change, for a caller that has
    saved the new one already (the admin); otherwise it is read from the database.
    """
    if previous is _STORED:
        previous = PatientProfile.objects.filter(pk=patient.pk).values_list("scan_interval_months", flat=True).first()
    patient.scan_interval_months = months
    patient.scan_interval_set_by = by if months else None
    patient.save(update_fields=["scan_interval_months", "scan_interval_set_by"])
    if previous != months:
        summary = f"Scans every {months} months from now on." if months else "Time between scans: the usual rule again."
        change = {"field": "Scan interval", "before": interval_text(previous), "after": interval_text(months)}
        record_event(patient, "scan_interval_changed", by=by, summary=summary, details={"changes": [change]})
    return refresh_next_scan_due(patient)


def goal_text(goal: Decimal | None) -> str:
    return f"T-score above {t_text(goal)}" if goal is not None else "T-score above −2.5 (the default goal)"


@transaction.atomic
def treatment_goal_set(*, patient: PatientProfile, goal: Decimal | None, reason: str, by: User) -> None:
    """R13: the care team sets a stricter goal (a T-score above `goal`, with the reason), or None for the default goal
    (above −2.5); the goal status the worklist shows follows."""
    if goal is not None:
        PatientProfile._meta.get_field("goal_t_score").run_validators(goal)  # −2.5 … −1.0
        if not reason.strip():
            raise ValidationError({"goal_reason": "Give the reason for the goal."})
    before = (patient.goal_t_score, patient.goal_reason)
    patient.goal_t_score = goal
    patient.goal_reason = reason.strip() if goal is not None else ""
    patient.goal_set_by = by if goal is not None else None
    patient.save(update_fields=["goal_t_score", "goal_reason", "goal_set_by"])
    if before != (patient.goal_t_score, patient.goal_reason):
        changes = [{"field": "Goal", "before": goal_text(before[0]), "after": goal_text(goal)}]
        if before[1] != patient.goal_reason:
            changes.append({"field": "Reason", "before": before[1], "after": patient.goal_reason})
        summary = "A new bone density goal was set." if goal is not None else "The bone density goal is the usual one again."
        record_event(patient, "goal_changed", by=by, summary=summary, details={"changes": changes})
    refresh_next_scan_due(patient)


def snapshot(scan: DexaScan, measurements: list[SiteMeasurement]) -> dict[str, str]:
    """The user-visible values of a scan, flattened for the correction history."""
    values = {
        "Scan date": scan.scanned_on.isoformat(),
        "Facility": str(scan.facility),
        "Scanner make": scan.get_make_display(),
        "Scanner model": scan.model,
    }
    for m in measurements:
        label = rules.SITE_LABELS[m.site]
        values[f"{label}: side"] = m.get_side_display() if m.side else ""
        values[f"{label}: BMD"] = f"{m.bmd}"
        values[f"{label}: T-score"] = f"{m.t_score}"
        values[f"{label}: Z-score"] = "" if m.z_score is None else f"{m.z_score}"
    return values


def diff(before: dict[str, str], after: dict[str, str]) -> list[dict]:
    keys = list(before) + [k for k in after if k not in before]
    return [
        {"field": k, "before": before.get(k, ""), "after": after.get(k, "")}
        for k in keys
        if before.get(k, "") != after.get(k, "")
    ]


def scan_date_text(scan: DexaScan) -> str:
    return f"{scan.scanned_on.day} {scan.scanned_on:%b %Y}"


@transaction.atomic
def scan_save(*, scan: DexaScan, measurements: list[SiteMeasurement], user) -> DexaScan:
    """Create or correct a scan with exactly `measurements` (unsaved rows, one per site), recording the revision."""
    creating = scan.pk is None
    before = {} if creating else snapshot(DexaScan.objects.get(pk=scan.pk), list(scan.measurements.all()))
    if creating:
        scan.entered_by = user
    scan.full_clean(exclude=["patient", "facility", *SUMMARY_FIELDS])
    scan.save()
    kept = {m.site for m in measurements}
    scan.measurements.exclude(site__in=kept).delete()
    existing = {m.site: m for m in scan.measurements.all()}
    for m in measurements:
        row = existing.get(m.site, m)  # update a stored site in place, so its id is kept
        row.side, row.bmd, row.t_score, row.z_score, row.scan = m.side, m.bmd, m.t_score, m.z_score, scan
        row.full_clean(exclude=["scan"])
        row.save()
    changes = diff(before, snapshot(scan, measurements))
    if creating or changes:
        ScanRevision.objects.create(scan=scan, changed_by=user, action="created" if creating else "corrected", changes=changes)
    if changes and not creating:
        summary = f"The scan of {scan_date_text(scan)} was corrected."
        record_event(scan.patient, "scan_corrected", by=user, summary=summary, details={"changes": changes})
    refresh_next_scan_due(scan.patient)
    return scan


@transaction.atomic
def scan_verify(*, scan: DexaScan, user) -> DexaScan:
    """A clinician confirms the values match the report."""
    if scan.is_verified:
        return scan
    scan.verified_by, scan.verified_at = user, timezone.now()
    scan.save(update_fields=["verified_by", "verified_at", "updated_at"])
    changes = [{"field": "Verified", "before": "No", "after": "Yes"}]
    ScanRevision.objects.create(scan=scan, changed_by=user, action="verified", changes=changes)
    record_event(
        scan.patient,
        "scan_verified",
        by=user,
        summary=f"The scan of {scan_date_text(scan)} was checked against its report.",
        details={"changes": changes},
    )
    refresh_next_scan_due(scan.patient)
    return scan


@transaction.atomic
def scan_delete(*, scan: DexaScan) -> None:
    patient = scan.patient
    erase_scan_reports(scan)
    scan.delete()
    refresh_next_scan_due(patient)
