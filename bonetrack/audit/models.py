"""The access log: who looked at or changed a patient's record, when, and from where.

Rows are never edited or deleted, with one exception: when a person's account is deleted (the patient's choice, or
an admin's on request), every row naming them is pseudonymised instead, so the log keeps its rows and a clinician's
accesses stay auditable while nothing in it still names the person.

- `patient_ref` / `actor_ref` hold the person's pseudonym once their foreign key is cleared; every row has exactly
  one of the two (a check constraint), so a row always says whose record it was and who acted.
- The pseudonym is random (`new_pseudonym`: "patient-" and 12 hex digits from `secrets`), drawn once at deletion
  and written to all of the person's rows in the same transaction, so all of them share it. Being random it is
  derived from nothing: no key, no id, no name. A keyed hash of the user id (HMAC with a key from SECRET_KEY) would
  be stable too, but anyone holding the key could test the small range of ids against it, and rotating the key
  would split one person into two; nothing needs to recompute the pseudonym later, so there is nothing to derive.
- Rows where the deleted person is the patient lose the patient; rows where they are the actor (their own
  changes) lose the actor and also the IP address and browser, which identify the person who sent the request.
  Rows where a clinician opened the deleted patient's record keep the clinician, IP and browser. `path` holds
  numeric ids only and is kept.
- The foreign keys stay PROTECT: deleting a person with an access history any other way (the admin's delete
  button, `user.delete()`) is refused; the deletion service pseudonymises first, then deletes.
- `AccessEventQuerySet.pseudonymise` is the only code path that changes rows. On PostgreSQL the trigger of
  migration 0003 allows exactly that UPDATE (a foreign key set to NULL while its empty ref is filled, the actor's
  IP and browser cleared with it, nothing else changed) and refuses every other UPDATE and every DELETE.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class AppendOnlyError(Exception):
    """Raised on any attempt to edit or delete an audit row."""


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit rows cannot be deleted.")

    def pseudonymise(self, *, user_id: int, patient_id: int | None, ref: str) -> int:
        """Replace a person with `ref` in every row naming them: the one change the log allows. Returns the rows changed.

        As the patient, the row keeps its actor; as the actor, the row also loses the IP address and browser.
        """
        if not ref:
            raise ValueError("A pseudonym is required.")
        as_actor = {"actor": None, "actor_ref": ref, "ip": None, "user_agent": ""}
        as_patient = {"patient": None, "patient_ref": ref}
        # QuerySet.update of the base class: this queryset's own update() refuses every other change.
        update = models.QuerySet.update
        changed = 0
        if patient_id is not None:
            changed += update(self.filter(patient_id=patient_id, actor_id=user_id), **as_patient, **as_actor)
            changed += update(self.filter(patient_id=patient_id), **as_patient)
        changed += update(self.filter(actor_id=user_id), **as_actor)
        return changed

    def for_patient(self, patient) -> "AccessEventQuerySet":
        return self.filter(patient=patient)

    def by_others(self) -> "AccessEventQuerySet":
        """Events whose actor is not the patient themself."""
        return self.exclude(actor_id=models.F("patient__user_id"))

    def views(self) -> "AccessEventQuerySet":
        return self.filter(action=AccessAction.VIEW)


class AccessEvent(models.Model):
    """One view or change of a patient's data. Append-only (see also the PostgreSQL trigger in 0002)."""

    # PROTECT: a person with an access history is deleted only through the deletion service, which first replaces
    # them with their pseudonym here (empty foreign key, filled ref); any other delete is refused.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_ref = models.CharField(
        "actor (deleted account)", max_length=40, blank=True, help_text="The pseudonym of an actor whose account was deleted."
    )
    patient = models.ForeignKey(
        "accounts.PatientProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    patient_ref = models.CharField(
        "patient (deleted account)", max_length=40, blank=True, help_text="The pseudonym of a patient whose account was deleted."
    )
    action = models.CharField(max_length=8, choices=AccessAction.choices)
    path = models.CharField(max_length=500)
    method = models.CharField(max_length=8)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"]), models.Index(fields=["actor", "-at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AccessAction.values), name="access_action_valid"),
            # Each row names its patient and its actor either by foreign key or, once deleted, by pseudonym: never both.
            models.CheckConstraint(
                condition=Q(patient__isnull=False, patient_ref="") | (Q(patient__isnull=True) & ~Q(patient_ref="")),
                name="access_patient_or_ref",
            ),
            models.CheckConstraint(
                condition=Q(actor__isnull=False, actor_ref="") | (Q(actor__isnull=True) & ~Q(actor_ref="")),
                name="access_actor_or_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.get_action_display().lower()} {self.path} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows cannot be deleted.")

    @property
    def actor_label(self) -> str:
        """Who acted: their name, or the pseudonym of a deleted account."""
        return str(self.actor) if self.actor_id is not None else self.actor_ref

    @property
    def patient_label(self) -> str:
        """Whose record: the patient, or the pseudonym of a deleted account."""
        return str(self.patient) if self.patient_id is not None else self.patient_ref


def new_pseudonym(kind: str = "patient") -> str:
    """A fresh random pseudonym such as "patient-7f3a9c0b12de": drawn once per deleted person (see the module docstring)."""
    return f"{kind}-{secrets.token_hex(6)}"


class RecordEventQuerySet(models.QuerySet):
    def for_patient(self, patient) -> "RecordEventQuerySet":
        return self.filter(patient=patient)

    def older_than(self, moment) -> "RecordEventQuerySet":
        """Events strictly before `moment` (all of them when it is None)."""
        return self if moment is None else self.filter(occurred_at__lt=moment)


class RecordEvent(models.Model):
    """Something that happened to a patient's record, for the timeline: who did what, when (see `events.record_event`).

    Unlike the access log, these rows are part of the patient's record: they go with the account. `kind` is one of
    `events.EVENT_KINDS`; `summary` is a plain sentence ("Your care team verified the scan of 3 Mar 2025");
    `details` holds what a clinician may open (field before → after).
    """

    patient = models.ForeignKey("accounts.PatientProfile", on_delete=models.CASCADE, related_name="record_events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    occurred_at = models.DateTimeField(db_index=True)
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)

    objects = RecordEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-occurred_at"])]
        constraints = [models.CheckConstraint(condition=~Q(kind="") & ~Q(summary=""), name="recordevent_kind_summary")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}: {self.summary}"
