"""Demo data: default reminder channels for the demo people, and the reminders already due.

The DEXA demo sets the main patient's next scan due date; when it has run, the sweep below records the
current stage (in-app at once). The email is left in the outbox: the first beat sweep after start-up publishes it,
and the worker writes it to var/mail/.
"""

import datetime as dt

from django.utils import timezone

from bonetrack.accounts.devdata.demo_accounts import DemoContext

from ..models import NotificationPreference, ReminderDueDate
from ..sweep import sweep

ORDER = 90  # after the apps that set due dates


def seed(demo: DemoContext) -> None:
    users = [p.user_id for p in demo.patients] + [demo.clinician.pk]
    existing = set(NotificationPreference.objects.filter(user_id__in=users).values_list("user_id", flat=True))
    NotificationPreference.objects.bulk_create([NotificationPreference(user_id=u) for u in users if u not in existing])
    # The demo people have used BoneTrack for years: their due dates count as known long ago, so the demo shows the
    # regular stages rather than the single notice for a history typed in today.
    ReminderDueDate.objects.filter(patient__in=demo.patients).update(known_since=timezone.now() - dt.timedelta(days=3 * 365))
    sweep(timezone.now(), patient_ids=[p.pk for p in demo.patients], enqueue=False)
