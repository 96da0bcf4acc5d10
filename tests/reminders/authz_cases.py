from bonetrack.reminders.delivery import unsubscribe_token
from bonetrack.reminders.models import Notification
from tests.authz import ANY_SIGNED_IN, FOREIGN_OBJECT, LOGIN, PATIENT_DATA, PUBLIC, ROLES, Case, expect, patient_kwargs
from tests.factories import UserFactory

ONLY_SELF = {role: (LOGIN if role == "anonymous" else 404) for role in ROLES} | {"self": "ok"}


def _own_notification(world) -> dict:
    note = Notification.objects.create(recipient=world.patient.user, title="Your bone density scan is due in 20 days")
    return {"notification_id": note.pk}


def _someone_elses_notification(world) -> dict:
    note = Notification.objects.create(recipient=UserFactory(), title="Not yours")
    return {"notification_id": note.pk}


CASES = [
    Case("reminders:notification-list", ANY_SIGNED_IN),
    Case("reminders:notification-bell", ANY_SIGNED_IN),
    Case("reminders:notification-bell", ANY_SIGNED_IN, htmx=True, label="htmx"),
    Case("reminders:notification-read-all", ANY_SIGNED_IN, method="post"),
    Case("reminders:notification-read", ONLY_SELF, method="post", kwargs=_own_notification),
    Case("reminders:notification-read", ONLY_SELF, method="post", kwargs=_own_notification, htmx=True, label="htmx"),
    Case("reminders:notification-read", FOREIGN_OBJECT, method="post", kwargs=_someone_elses_notification, label="foreign"),
    Case("reminders:notification-read", {role: 405 for role in ROLES}, kwargs=_own_notification, label="get not allowed"),
    Case("reminders:reminder-list", PATIENT_DATA, kwargs=patient_kwargs),
    Case(
        "reminders:reminder-list",
        expect(PATIENT_DATA, clinician=403, admin=403),
        method="post",
        kwargs=patient_kwargs,
        data=lambda w: {"in_app": "on"},
    ),
    Case("reminders:unsubscribe", PUBLIC, kwargs=lambda w: {"token": unsubscribe_token(w.patient.user)}),
    Case("reminders:unsubscribe", PUBLIC, method="post", kwargs=lambda w: {"token": unsubscribe_token(w.patient.user)}),
    Case(
        "reminders:unsubscribe",
        {role: 400 for role in ROLES},
        kwargs=lambda w: {"token": "bm90LXNpZ25lZA"},
        label="bad signature",
    ),
    Case(
        "reminders:unsubscribe",
        {role: 400 for role in ROLES},
        method="post",
        kwargs=lambda w: {"token": unsubscribe_token(w.patient.user)[:-3] + "abc"},
        label="tampered",
    ),
]
