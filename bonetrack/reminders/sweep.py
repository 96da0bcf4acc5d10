"""The set-based sweep: record every reminder stage that has become current, in batches of patients.

Per batch: one SELECT of patients (with their zone, channels and the latest stage already recorded), one
INSERT of the new reminders (`ON CONFLICT DO NOTHING` against the unique constraint), one SELECT of the rows
this batch won, one INSERT of in-app notifications, then send tasks published after commit in chunks.
Two sweeps running at once can both try a stage; the constraint lets exactly one record it, and only the
winner (whose batch id is on the row) writes the notification and publishes the email.
Which stage is current comes from `schedule.plan`: stages already past when the due date became known are skipped,
and a date already overdue then gets one catch-up notice instead.
Per-course kinds (dose reminders, `dose_kinds.py`) read one query of courses per batch instead of patients and then
go through the same insert; the clinic-given kind also records the care team's late-denosumab notice, once per
(course, due date) by the same insert-and-read-back.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.date_display import day_format, format_day
from bonetrack.core.enqueue import enqueue_on_commit

from . import kinds, schedule
from .due_dates import withdraw_superseded
from .models import (
    ClinicianDigest,
    DoseLateNotice,
    EmailStatus,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderDueDate,
)

logger = logging.getLogger("bonetrack.reminders")

BATCH_SIZE = 5000
SEND_CHUNK = 100
DIGEST_HOUR = 8
DIGEST_OVERDUE_DAYS = 30


@dataclass
class SweepStats:
    batches: int = 0
    patients: int = 0
    recorded: int = 0
    notified: int = 0
    emails_queued: int = 0
    requeued: int = 0
    by_stage: dict = field(default_factory=dict)


def requeue_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "REMINDERS_REQUEUE_AFTER_SECONDS", 600))


def candidates(kind: kinds.ReminderKind, now: dt.datetime, patient_ids=None) -> QuerySet:
    """Patients with a due date for `kind` that may have a stage to record now, with what the batch needs."""
    last_offset = max(kind.offsets)
    patients = PatientProfile.objects.filter(user__is_active=True)
    if patient_ids is not None:
        patients = patients.filter(pk__in=patient_ids)
    recorded = Reminder.objects.filter(patient=OuterRef("pk"), kind=kind.key, due_on=OuterRef("due_on"))
    known = ReminderDueDate.objects.filter(patient=OuterRef("pk"), kind=kind.key, due_on=OuterRef("due_on"))
    return (
        kind.due_dates(patients)
        .filter(due_on__lte=schedule.latest_due_date_in_play(now.date(), kind.offsets))
        # Past the overdue cap: nothing more to record, ever, for this due date.
        .exclude(Exists(recorded.filter(stage=last_offset)))
        .annotate(
            last_stage=Subquery(recorded.order_by("-stage").values("stage")[:1]),
            # When this due date became the patient's (none recorded: every stage is in play).
            known_since=Subquery(known.values("known_since")[:1]),
            # One LEFT JOIN to the (optional) preferences row; no row means both channels on.
            wants_email=Coalesce(F("user__notification_preference__email"), Value(True)),
            wants_in_app=Coalesce(F("user__notification_preference__in_app"), Value(True)),
        )
    )


def sweep(now: dt.datetime | None = None, *, patient_ids=None, batch_size: int = BATCH_SIZE, enqueue: bool = True) -> SweepStats:
    """Record every newly current stage of every kind; then re-publish emails stuck in the outbox."""
    now = now or timezone.now()
    stats = SweepStats()
    for kind in kinds.all_kinds():
        if kind.per_course:
            _sweep_courses(kind, now, patient_ids, batch_size, stats, enqueue=enqueue)
        else:
            _sweep_patients(kind, now, patient_ids, batch_size, stats, enqueue=enqueue)
        if patient_ids is not None:
            withdraw_superseded(kind, list(patient_ids), now)
    if enqueue:
        stats.requeued = requeue_stale(now)
    return stats


def _sweep_patients(kind, now: dt.datetime, patient_ids, batch_size: int, stats: SweepStats, *, enqueue: bool) -> None:
    # The ids first (one narrow query), then the rows batch by batch: each batch query is an index lookup
    # on its ids, whatever the planner believes about the table sizes.
    ids = list(candidates(kind, now, patient_ids).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        rows = [
            {
                "patient_id": row["pk"],
                "course_id": None,
                "user_id": row["user_id"],
                "due_on": row["due_on"],
                "last_stage": row["last_stage"],
                "known_since": row["known_since"],
                "wants_email": row["wants_email"],
                "wants_in_app": row["wants_in_app"],
                "time_zone": row["user__time_zone"],
                "date_format": row["user__date_format"],
                "email": row["user__email"],
                "send_time": schedule.SEND_HOUR,
                "drug": "",
            }
            for row in candidates(kind, now, ids[start : start + batch_size]).values(
                "pk",
                "user_id",
                "due_on",
                "last_stage",
                "known_since",
                "wants_email",
                "wants_in_app",
                "user__time_zone",
                "user__date_format",
                "user__email",
            )
        ]
        stats.batches += 1
        stats.patients += len(rows)
        _record_batch(kind, rows, now, stats, enqueue=enqueue)


def _sweep_courses(kind, now: dt.datetime, patient_ids, batch_size: int, stats: SweepStats, *, enqueue: bool) -> None:
    """The same for a per-course kind: the course ids, then one query per batch of courses (see `dose_kinds`)."""
    ids = kind.candidate_ids(now, patient_ids)
    last_offset = max(kind.offsets)
    for start in range(0, len(ids), batch_size):
        rows = kind.course_rows(ids[start : start + batch_size], now)
        stats.batches += 1
        in_play = schedule.latest_due_date_in_play(now.date(), kind.offsets)
        # Past the overdue cap: nothing more to record, ever, for this due date.
        due = [r for r in rows if r["due_on"] <= in_play and r["last_stage"] != last_offset]
        stats.patients += len(due)
        _record_batch(kind, due, now, stats, enqueue=enqueue)
        late = kind.late_notices(rows)
        if late:
            _record_late_notices(late, now)


def _record_late_notices(rows: list[dict], now: dt.datetime) -> None:
    """Tell each clinician on the care team, once per (course, due date), that a denosumab dose is a month late."""
    from bonetrack.careteams.models import CareTeamMembership

    batch = uuid.uuid4()
    with transaction.atomic():
        insert_ignoring_conflicts(
            DoseLateNotice,
            [{"course_id": r["course_id"], "due_on": r["due_on"], "created_at": now, "batch": batch} for r in rows],
        )
        won = {n["course_id"] for n in DoseLateNotice.objects.filter(batch=batch).values("course_id")}
        if not won:
            return
        by_patient: dict[int, list[dict]] = {}
        for row in rows:
            if row["course_id"] in won:
                by_patient.setdefault(row["patient_id"], []).append(row)
        team = CareTeamMembership.objects.active().filter(clinician__is_active=True, patient_id__in=by_patient)
        fallback = "reminders:reminder-list"
        notifications = []
        for member in team.values("patient_id", "clinician_id", "clinician__date_format"):
            for row in by_patient[member["patient_id"]]:
                days = (row["today"] - row["due_on"]).days
                due = format_day(row["due_on"], member["clinician__date_format"])
                notifications.append(
                    {
                        "recipient_id": member["clinician_id"],
                        "title": f"High priority: {row['patient_name']}'s {row['drug']} dose is {days} days late",
                        "body": f"Due {due} (6 months after the last dose); a month or more late "
                        "risks rebound bone loss and vertebral fractures (R11).",
                        "url": kinds.patient_path("medications:course-list", row["patient_id"], fallback=fallback),
                        "created_at": now,
                    }
                )
        insert_ignoring_conflicts(Notification, notifications)


def _record_batch(kind: kinds.ReminderKind, rows: list[dict], now: dt.datetime, stats: SweepStats, *, enqueue: bool) -> None:
    batch = uuid.uuid4()
    new: list[dict] = []
    by_key: dict[tuple[int, int | None], dict] = {}
    for row in rows:
        tz = schedule.zone(row["time_zone"])
        stage = schedule.current(schedule.plan(row["due_on"], kind.offsets, tz, row["known_since"], row["send_time"]), now)
        if stage is None or (row["last_stage"] is not None and stage.offset <= row["last_stage"]):
            continue
        email_on = bool(row["wants_email"] and row["email"])
        new.append(
            {
                "patient_id": row["patient_id"],
                "course_id": row["course_id"],
                "kind": kind.key,
                "due_on": row["due_on"],
                "stage": stage.offset,
                "catch_up": stage.catch_up,
                "send_at": stage.moment,
                "created_at": now,
                "batch": batch,
                "email_status": EmailStatus.PENDING if email_on else EmailStatus.SKIPPED,
                "email_queued_at": now if (email_on and enqueue) else None,
            }
        )
        by_key[row["patient_id"], row["course_id"]] = row
    if not new:
        return
    with transaction.atomic():
        insert_ignoring_conflicts(Reminder, new)
        won = list(
            Reminder.objects.filter(batch=batch).values(
                "pk", "patient_id", "course_id", "due_on", "stage", "catch_up", "email_status"
            )
        )
        notifications = []
        emails = []
        for reminder in won:
            row = by_key[reminder["patient_id"], reminder["course_id"]]
            stats.by_stage[reminder["stage"]] = stats.by_stage.get(reminder["stage"], 0) + 1
            if reminder["email_status"] == EmailStatus.PENDING:
                emails.append(reminder["pk"])
            if row["wants_in_app"]:
                today = now.astimezone(schedule.zone(row["time_zone"])).date()
                with day_format(row["date_format"]):  # the text is stored: in the patient's own date style
                    message = kind.message(
                        patient_id=row["patient_id"],
                        due_on=reminder["due_on"],
                        stage=reminder["stage"],
                        today=today,
                        catch_up=reminder["catch_up"],
                        drug=row["drug"],
                    )
                notifications.append(
                    {
                        "recipient_id": row["user_id"],
                        "reminder_id": reminder["pk"],
                        "title": message.subject,
                        "body": message.headline,
                        "url": message.action_path,
                        "created_at": now,
                    }
                )
        insert_ignoring_conflicts(Notification, notifications)
        stats.recorded += len(won)
        stats.notified += len(notifications)
        if enqueue:
            stats.emails_queued += len(emails)
            _publish(emails, "reminder")


def insert_ignoring_conflicts(model, rows: list[dict], rows_per_statement: int = 2000) -> None:
    """`INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING`, many rows per statement (PostgreSQL and SQLite).

    `rows` map attribute names (`patient_id`) to values; missing ones take the field's default.

    `bulk_create(ignore_conflicts=True)` says the same, but prepares every value of every field through the field
    API, which dominates a 100,000-patient sweep; here each column is adapted with one function chosen up front.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = []
    for f in fields:
        internal = f.get_internal_type()
        if internal == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif internal == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif internal == "UUIDField":
            adapters.append(lambda value, f=f: f.get_db_prep_value(value, connection))
        else:
            adapters.append(None)
    attnames = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    if connection.vendor == "postgresql":
        # One statement per call: each column travels as one array (unnest keeps the rows aligned).
        casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        table = ops.quote_name(model._meta.db_table)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({casts}) ON CONFLICT DO NOTHING"  # noqa: S608
        arrays = [[row[a] if a in row else defaults[a] for row in rows] for a in attnames]
        with connection.cursor() as cursor:
            cursor.execute(sql, arrays)
        return
    cache: dict = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), rows_per_statement):
            chunk = rows[start : start + rows_per_statement]
            params = []
            for row in chunk:
                for attname, adapt in zip(attnames, adapters, strict=True):
                    value = row[attname] if attname in row else defaults[attname]
                    if adapt is not None and value is not None:
                        key = (attname, value)
                        if key not in cache:
                            cache[key] = adapt(value)
                        value = cache[key]
                    params.append(value)
            sql = (
                f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from model metadata
                f"VALUES {', '.join([row_sql] * len(chunk))} ON CONFLICT DO NOTHING"
            )
            cursor.execute(sql, params)


def _publish(ids: list[int], what: str) -> None:
    """Publish send tasks after commit, SEND_CHUNK ids per task. A broker outage is logged; the outbox catches up."""
    from .tasks import send_digest_emails_task, send_reminder_emails_task

    task = send_reminder_emails_task if what == "reminder" else send_digest_emails_task
    for start in range(0, len(ids), SEND_CHUNK):
        enqueue_on_commit(task, ids[start : start + SEND_CHUNK])


def requeue_stale(now: dt.datetime, limit: int = 20000) -> int:
    """Re-publish emails still pending after the grace period (broker lost the task, or a worker died)."""
    before = now - requeue_after()
    total = 0
    for model, what in ((Reminder, "reminder"), (ClinicianDigest, "digest")):
        ids = list(
            model.objects.filter(email_status=EmailStatus.PENDING)
            .filter(Q(email_queued_at__isnull=True) | Q(email_queued_at__lt=before))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            with transaction.atomic():
                model.objects.filter(pk__in=ids).update(email_queued_at=now)
                _publish(ids, what)
            logger.info("Re-published %d pending %s emails", len(ids), what)
        total += len(ids)
    return total


# --- Clinician digest ------------------------------------------------------------------------------------------


def build_digests(now: dt.datetime | None = None, *, enqueue: bool = True) -> int:
    """For each clinician whose local time is past 08:00 and who has no digest for their local day yet, record one
    listing their patients 30 or more days overdue for a scan, if any of them is new since the previous digest.
    """
    from bonetrack.careteams.models import CareTeamMembership

    now = now or timezone.now()
    cutoff = now.date() - dt.timedelta(days=DIGEST_OVERDUE_DAYS - 1)  # a day of slack for zones; refined below
    rows = (
        CareTeamMembership.objects.active()
        .filter(
            clinician__is_active=True,
            patient__user__is_active=True,
            patient__next_scan_due_on__lte=cutoff,
        )
        .order_by("clinician_id", "patient__next_scan_due_on")
        .values(
            "clinician_id",
            "clinician__time_zone",
            "clinician__email",
            "patient_id",
            "patient__next_scan_due_on",
            "patient__user__first_name",
            "patient__user__last_name",
            "patient__user__email",
        )
    )
    per_clinician: dict[int, dict] = {}
    for row in rows:
        tz = schedule.zone(row["clinician__time_zone"])
        local = now.astimezone(tz)
        if local.hour < DIGEST_HOUR:
            continue
        days = (local.date() - row["patient__next_scan_due_on"]).days
        if days < DIGEST_OVERDUE_DAYS:
            continue
        entry = per_clinician.setdefault(
            row["clinician_id"], {"day": local.date(), "email": row["clinician__email"], "patients": []}
        )
        name = f"{row['patient__user__first_name']} {row['patient__user__last_name']}".strip() or row["patient__user__email"]
        entry["patients"].append(
            {"id": row["patient_id"], "name": name, "due_on": row["patient__next_scan_due_on"].isoformat(), "days_overdue": days}
        )
    if not per_clinician:
        return 0
    # The latest earlier digest of each clinician tells which overdue patients are new.
    latest: dict[int, dict] = {}
    for d in ClinicianDigest.objects.filter(clinician_id__in=per_clinician, day__gte=now.date() - dt.timedelta(days=90)).values(
        "clinician_id", "day", "patients"
    ):
        if d["clinician_id"] not in latest or d["day"] > latest[d["clinician_id"]]["day"]:
            latest[d["clinician_id"]] = d
    batch = uuid.uuid4()
    digests = []
    for clinician_id, entry in per_clinician.items():
        last = latest.get(clinician_id)
        if last and last["day"] >= entry["day"]:
            continue
        known = {(p["id"], p["due_on"]) for p in (last["patients"] if last else [])}
        for p in entry["patients"]:
            p["new"] = (p["id"], p["due_on"]) not in known
        if not any(p["new"] for p in entry["patients"]):
            continue
        digests.append(
            ClinicianDigest(
                clinician_id=clinician_id,
                day=entry["day"],
                patients=entry["patients"],
                created_at=now,
                batch=batch,
                email_queued_at=now if enqueue else None,
            )
        )
    if not digests:
        return 0
    wants = {
        p["user_id"]: p
        for p in NotificationPreference.objects.filter(user_id__in=[d.clinician_id for d in digests]).values(
            "user_id", "email", "in_app"
        )
    }
    for digest in digests:
        pref = wants.get(digest.clinician_id, {"email": True, "in_app": True})
        if not pref["email"]:
            digest.email_status, digest.email_queued_at = EmailStatus.SKIPPED, None
    with transaction.atomic():
        ClinicianDigest.objects.bulk_create(digests, ignore_conflicts=True)
        won = list(ClinicianDigest.objects.filter(batch=batch).values("pk", "clinician_id", "patients", "email_status"))
        path = reverse("careteams:patient-list")
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=d["clinician_id"],
                    digest_id=d["pk"],
                    title=_digest_title(d["patients"]),
                    body=digest_body(d["patients"]),
                    url=path,
                    created_at=now,
                )
                for d in won
                if wants.get(d["clinician_id"], {"in_app": True})["in_app"]
            ]
        )
        if enqueue:
            _publish([d["pk"] for d in won if d["email_status"] == EmailStatus.PENDING], "digest")
    return len(won)


def digest_body(patients: list[dict]) -> str:
    """The bell's text of a digest: the first ten patients and how many days overdue each is."""
    return ", ".join(f"{p['name']} ({p['days_overdue']} days)" for p in patients[:10])


def _digest_title(patients: list[dict]) -> str:
    new = sum(1 for p in patients if p.get("new"))
    total = len(patients)
    noun = "patient is" if total == 1 else "patients are"
    return f"{total} {noun} 30 or more days overdue for a scan ({new} new)"
