"""Deleting with undo, putting back, and purging. Other apps call these explicitly from their own views and models.

`delete_with_undo` moves a row (and the rows its delete takes with it) into the recycle bin; `restore` puts them back
with their original primary keys, or changes nothing and says why.
"""

import datetime as dt
from collections.abc import Iterable

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from bonetrack.accounts.models import PatientProfile, User

from .models import DeletedItem

EXPIRED_MESSAGE = "This can no longer be undone: it was deleted more than a day ago."
RESTORED_MESSAGE = "This was already put back."


class RestoreRefused(Exception):
    """Nothing was put back; `message` says why in plain words. `reason` is "expired", "restored", "missing" (a row
    it belonged to is gone) or "conflict" (something in its place was added since)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def _deleted_with(obj: models.Model) -> tuple[set, bool]:
    """The (model, pk) of every row deleting `obj` removes, and whether the delete would change other rows too."""
    collector = Collector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    rows = {(model._meta.label_lower, instance.pk) for model, instances in collector.data.items() for instance in instances}
    rows |= {(qs.model._meta.label_lower, pk) for qs in collector.fast_deletes for pk in qs.values_list("pk", flat=True)}
    return rows, bool(collector.field_updates)


def delete_with_undo(
    obj: models.Model, *, patient: PatientProfile, by: User | None, description: str, related: Iterable[models.Model] = ()
) -> DeletedItem:
    """Delete `obj` and keep it, with the `related` rows its delete removes too, for `UNDO_WINDOW`.

    Every row the delete removes must be `obj` or in `related`, and no other row may be changed by it (a SET_NULL):
    otherwise the delete is refused (ValueError), since Undo could not bring everything back.
    """
    rows = [obj, *related]
    removed, changes_others = _deleted_with(obj)
    kept = {(row._meta.label_lower, row.pk) for row in rows}
    if changes_others or removed != kept:
        raise ValueError(f"Deleting {obj._meta.label_lower} {obj.pk} would remove or change rows Undo cannot put back.")
    with transaction.atomic(savepoint=False):
        item = DeletedItem.objects.create(
            patient=patient,
            label=obj._meta.label_lower,
            original_pk=obj.pk,
            snapshot=serializers.serialize("python", rows),
            description=description[: DeletedItem._meta.get_field("description").max_length],
            deleted_by=by,
        )
        obj.delete()
    return item


def snapshot_objects(item: DeletedItem) -> list[models.Model]:
    """The rows as they were deleted (unsaved instances, the deleted row first)."""
    return [deserialized.object for deserialized in serializers.deserialize("python", item.snapshot)]


def _missing_parent(row: models.Model) -> str | None:
    """The verbose name of a row `row` points to that no longer exists, if any."""
    for field in row._meta.concrete_fields:
        if field.is_relation and field.many_to_one and getattr(row, field.attname) is not None:
            target = field.remote_field.model._base_manager.filter(**{field.target_field.attname: getattr(row, field.attname)})
            if not target.exists():
                return str(field.verbose_name)
    return None


def _check_can_save(row: models.Model) -> None:
    missing = _missing_parent(row)
    if missing:
        raise RestoreRefused("missing", f"This can't be put back: its {missing} has been deleted since.")
    try:
        row.validate_unique()
        row.validate_constraints()
    except ValidationError as error:
        raise RestoreRefused("conflict", "This can't be put back: " + " ".join(error.messages)) from error


def restore(deleted_item: DeletedItem, *, by: User, now: dt.datetime | None = None) -> list[models.Model]:
    """Put the rows back with their original primary keys, all or none; RestoreRefused if they can't be.

    `by` must be allowed to change the record (the caller's access check). Runs in its own savepoint, so a refusal
    changes nothing and the request can go on.
    """
    now = now or timezone.now()
    with transaction.atomic():
        item = DeletedItem.objects.select_for_update().get(pk=deleted_item.pk)
        if item.restored_at is not None:
            raise RestoreRefused("restored", RESTORED_MESSAGE)
        if not item.can_undo(now):
            raise RestoreRefused("expired", EXPIRED_MESSAGE)
        rows = snapshot_objects(item)
        using = router.db_for_write(type(rows[0]))
        try:
            with transaction.atomic(using=using):
                for row in rows:
                    _check_can_save(row)
                    # raw: auto_now fields keep their stored times, as loaddata does.
                    models.Model.save_base(row, using=using, raw=True, force_insert=True)
                connections[using].check_constraints(table_names=sorted({row._meta.db_table for row in rows}))
        except IntegrityError as error:
            raise RestoreRefused("conflict", "This can't be put back: something it depends on has changed.") from error
        item.restored_at = now
        item.save(update_fields=["restored_at"])
    deleted_item.restored_at = now
    return rows


def purge_deleted_items(now: dt.datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Remove for good what was deleted more than `UNDO_WINDOW` ago; the number removed."""
    removed, _ = DeletedItem.objects.using(using).expired(now).delete()
    return removed
