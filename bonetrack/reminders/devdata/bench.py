"""`make bench`: one full reminder sweep over 100,000 seeded patients (time and query count).

The patients are this module's own (emails under @reminders-bench.invalid) and are removed afterwards, so other
benches and their data are unaffected.
"""

import datetime as dt
import random
import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.core.devdata.benchmarking import BenchContext, BenchResult

from .. import sweep as sweep_module
from ..models import ClinicianDigest, Notification, NotificationPreference, Reminder, ReminderDueDate

ORDER = 90
PATIENTS = 100_000
DOMAIN = "reminders-bench.invalid"
ZONES = ("Europe/London", "America/New_York", "America/Chicago", "Australia/Sydney", "Asia/Kolkata", "UTC", "Pacific/Auckland")


def seed_patients(count: int, today: dt.date, rng: random.Random, *, spread=(-150, 60), chunk: int = 5000) -> list[int]:
    """Bulk-create `count` patients (unusable passwords) with due dates spread around `today`; returns profile ids."""
    password = make_password(None)
    start = User.objects.filter(email__endswith=f"@{DOMAIN}").count()
    ids: list[int] = []
    for offset in range(0, count, chunk):
        size = min(chunk, count - offset)
        emails = [f"patient{start + offset + i}@{DOMAIN}" for i in range(size)]
        with transaction.atomic():
            User.objects.bulk_create(
                [
                    User(
                        email=email,
                        password=password,
                        role="patient",
                        first_name="Bench",
                        last_name=str(i),
                        time_zone=rng.choice(ZONES),
                    )
                    for i, email in enumerate(emails)
                ],
                batch_size=1000,
            )
            users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
            PatientProfile.objects.bulk_create(
                [
                    PatientProfile(
                        user_id=users[email],
                        date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(9000)),
                        sex=rng.choice(("female", "male")),
                        next_scan_due_on=today + dt.timedelta(days=rng.randint(*spread)),
                    )
                    for email in emails
                ],
                batch_size=1000,
            )
        ids.extend(PatientProfile.objects.filter(user__email__in=emails).values_list("pk", flat=True))
    return ids


def remove_patients(chunk: int = 10_000) -> None:
    """Delete this module's patients and everything of theirs, a chunk of ids at a time (no per-row cascade)."""
    from allauth.account.models import EmailAddress

    rows = list(PatientProfile.objects.filter(user__email__endswith=f"@{DOMAIN}").order_by("pk").values_list("user_id", "pk"))
    for start in range(0, len(rows), chunk):
        ids = [user_id for user_id, _ in rows[start : start + chunk]]
        patient_ids = [patient_id for _, patient_id in rows[start : start + chunk]]
        with transaction.atomic():
            for queryset in (
                Notification.objects.filter(recipient_id__in=ids),
                Reminder.objects.filter(patient_id__in=patient_ids),
                ReminderDueDate.objects.filter(patient_id__in=patient_ids),
                ClinicianDigest.objects.filter(clinician_id__in=ids),
                NotificationPreference.objects.filter(user_id__in=ids),
                EmailAddress.objects.filter(user_id__in=ids),
                PatientProfile.objects.filter(user_id__in=ids),
                User.objects.filter(pk__in=ids),
            ):
                queryset._raw_delete(queryset.db)


def measure(ctx: BenchContext) -> list[BenchResult]:
    remove_patients()
    seed_patients(PATIENTS, ctx.today, ctx.rng)
    published = []
    real_enqueue = sweep_module.enqueue_on_commit
    # Publishing is the broker's cost, not the sweep's: count the send tasks instead of sending them here.
    sweep_module.enqueue_on_commit = lambda task, ids: published.append(len(ids))
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            stats = sweep_module.sweep(timezone.now())
            seconds = time.perf_counter() - started
    finally:
        sweep_module.enqueue_on_commit = real_enqueue
        remove_patients()
    ms = seconds * 1000
    return [
        BenchResult(
            name=f"reminders: sweep over {PATIENTS:,} patients",
            p50_ms=ms,
            p95_ms=ms,
            queries=len(queries.captured_queries),
            budget={"p50_ms": 30_000},
            note=(
                f"{stats.patients:,} in play, {stats.batches} batches of {sweep_module.BATCH_SIZE}, "
                f"{stats.recorded:,} reminders recorded, {stats.notified:,} notifications, "
                f"{len(published)} send tasks ({sum(published):,} emails)"
            ),
        )
    ]
