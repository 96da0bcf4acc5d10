"""The recycle bin: delete then undo brings back the identical rows; refusals change nothing; the purge."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.utils import timezone

from bonetrack.labs.models import LabResult
from bonetrack.progress.inputs import window_inputs
from bonetrack.undo import services
from bonetrack.undo.beat import PURGE, ensure_schedule
from bonetrack.undo.models import DeletedItem
from bonetrack.undo.services import RestoreRefused, delete_with_undo, purge_deleted_items, restore
from bonetrack.undo.tasks import purge_deleted_items as purge_task
from exercise.models import ExerciseSession, SessionEntry
from nutrition.models import LogItem
from nutrition.summary import meal_rows
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory
from tests.factories import ClinicianFactory
from tests.labs.factories import LabResultFactory
from tests.nutrition.factories import CalciumSupplementFactory, CustomFoodFactory, FoodFactory, LogItemFactory

DAY = dt.date(2024, 3, 3)


def _row(obj, pk=None) -> dict:
    """Every column of the row as stored, read back from the database."""
    fresh = type(obj)._base_manager.get(pk=pk or obj.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def _round_trip(obj, patient, *, related=()):
    before = _row(obj)
    related_before = [_row(row) for row in related]
    deleted = delete_with_undo(obj, patient=patient, by=patient.user, description="it", related=related)
    assert not type(obj).objects.filter(pk=before["id"]).exists()
    restore(deleted, by=patient.user)
    assert _row(obj, before["id"]) == before
    assert [_row(row, old["id"]) for row, old in zip(related, related_before, strict=True)] == related_before
    deleted.refresh_from_db()
    assert deleted.restored_at is not None
    return deleted


def test_a_meal_item_comes_back_identical(patient):
    item = LogItemFactory(patient=patient, day=DAY, meal="breakfast", food=FoodFactory(calcium_mg=Decimal("113.3")))
    LogItem.objects.filter(pk=item.pk).update(created_at=timezone.now().replace(microsecond=123456))
    item.refresh_from_db()
    pk = item.pk
    _round_trip(item, patient)
    assert _row(item, pk)["created_at"].microsecond == 123456


def test_a_supplement_tick_comes_back_identical(patient):
    supplement = CalciumSupplementFactory(patient=patient)
    supplement.toggle_taken(DAY, by=patient.user)
    tick = LogItem.objects.get(supplement=supplement)
    before = _row(tick)
    deleted = supplement.toggle_taken(DAY, by=patient.user)
    assert not LogItem.objects.filter(supplement=supplement).exists()
    restore(deleted, by=patient.user)
    assert _row(tick) == before


def test_an_exercise_entry_comes_back_identical(patient):
    entry = SessionEntryFactory(session__patient=patient, flagged=True, flag_reasons=["twisting"], sets=3, reps=10)
    _round_trip(entry, patient)


def test_a_session_comes_back_with_its_entries(patient):
    session = ExerciseSessionFactory(patient=patient, notes="Park")
    entries = [SessionEntryFactory(session=session, position=n) for n in range(2)]
    ExerciseSession.objects.filter(pk=session.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    session.refresh_from_db()
    _round_trip(session, patient, related=entries)  # auto_now fields keep their stored times


def test_a_lab_result_comes_back_identical(patient):
    _round_trip(LabResultFactory(patient=patient, entered_by=ClinicianFactory(), notes="fasting"), patient)


def test_a_delete_that_would_take_rows_undo_cannot_bring_back_is_refused(patient):
    session = SessionEntryFactory(session__patient=patient).session
    with pytest.raises(ValueError, match="Undo cannot put back"):
        delete_with_undo(session, patient=patient, by=patient.user, description="x")  # its entry is not in `related`
    assert ExerciseSession.objects.filter(pk=session.pk).exists()
    assert not DeletedItem.objects.exists()


def test_totals_do_not_count_a_deleted_item_meanwhile(patient):
    milk = FoodFactory(calcium_mg=Decimal(100))
    kept = LogItemFactory(patient=patient, day=DAY, meal="lunch", food=milk, quantity=100)
    gone = LogItemFactory(patient=patient, day=DAY, meal="lunch", food=milk, quantity=200)
    window = SimpleNamespace(start=DAY, end=DAY)
    before = window_inputs(patient, window)

    deleted = delete_with_undo(gone, patient=patient, by=patient.user, description="x")
    meals, _ = meal_rows(patient, DAY)
    assert meals["lunch"]["calcium_mg"] == kept.calcium_mg == Decimal(100)
    assert LogItem.objects.filter(patient=patient).aggregate(total=Sum("calcium_mg"))["total"] == Decimal(100)
    meanwhile = window_inputs(patient, window)
    assert meanwhile != before  # the progress report's fingerprint moved: its cache key changes

    restore(deleted, by=patient.user)
    assert meal_rows(patient, DAY)[0]["lunch"]["calcium_mg"] == Decimal(300)
    assert window_inputs(patient, window) == before  # same pk and values: the very same fingerprint again


def test_undo_after_a_day_is_refused(patient):
    item = LogItemFactory(patient=patient, day=DAY)
    pk = item.pk
    deleted = delete_with_undo(item, patient=patient, by=patient.user, description="x")
    later = deleted.deleted_at + dt.timedelta(hours=24)
    with pytest.raises(RestoreRefused) as refusal:
        restore(deleted, by=patient.user, now=later)
    assert refusal.value.reason == "expired"
    assert refusal.value.message == services.EXPIRED_MESSAGE
    assert not LogItem.objects.exists()
    restore(deleted, by=patient.user, now=later - dt.timedelta(seconds=1))  # just inside the window
    assert LogItem.objects.filter(pk=pk).exists()


def test_undo_twice_is_refused(patient):
    deleted = delete_with_undo(LogItemFactory(patient=patient), patient=patient, by=patient.user, description="x")
    restore(deleted, by=patient.user)
    with pytest.raises(RestoreRefused, match="already put back"):
        restore(deleted, by=patient.user)
    assert LogItem.objects.count() == 1


def test_a_tick_made_again_that_day_refuses_the_undo_and_changes_nothing(patient):
    supplement = CalciumSupplementFactory(patient=patient)
    supplement.toggle_taken(DAY, by=patient.user)
    deleted = supplement.toggle_taken(DAY, by=patient.user)
    supplement.toggle_taken(DAY, by=patient.user)  # ticked again
    again = _row(LogItem.objects.get(supplement=supplement))
    with pytest.raises(RestoreRefused) as refusal:
        restore(deleted, by=patient.user)
    assert refusal.value.reason == "conflict"
    assert [_row(tick) for tick in LogItem.objects.all()] == [again]
    deleted.refresh_from_db()
    assert deleted.restored_at is None


def test_an_entry_whose_session_is_gone_cannot_come_back(patient):
    entry = SessionEntryFactory(session__patient=patient)
    deleted = delete_with_undo(entry, patient=patient, by=patient.user, description="x")
    ExerciseSession.objects.filter(pk=entry.session_id).delete()
    with pytest.raises(RestoreRefused, match="its session has been deleted since"):
        restore(deleted, by=patient.user)
    assert not SessionEntry.objects.exists()


def test_an_item_whose_food_is_gone_cannot_come_back(patient):
    food = CustomFoodFactory(owner=patient)
    deleted = delete_with_undo(LogItemFactory(patient=patient, food=food), patient=patient, by=patient.user, description="x")
    food.delete()
    with pytest.raises(RestoreRefused, match="its food has been deleted since"):
        restore(deleted, by=patient.user)
    assert not LogItem.objects.exists()


def test_purge_removes_what_is_older_than_a_day_and_keeps_the_rest(patient):
    now = timezone.now()
    old = delete_with_undo(LabResultFactory(patient=patient), patient=patient, by=patient.user, description="old")
    new = delete_with_undo(LabResultFactory(patient=patient), patient=patient, by=patient.user, description="new")
    DeletedItem.objects.filter(pk=old.pk).update(deleted_at=now - dt.timedelta(hours=24, seconds=1))
    DeletedItem.objects.filter(pk=new.pk).update(deleted_at=now - dt.timedelta(hours=23, minutes=59))
    assert purge_deleted_items(now) == 1
    assert list(DeletedItem.objects.values_list("description", flat=True)) == ["new"]
    assert purge_deleted_items(now) == 0  # idempotent
    assert not LabResult.objects.exists()  # purging never brings anything back


def test_the_purge_task_runs_the_purge(patient):
    deleted = delete_with_undo(LabResultFactory(patient=patient), patient=patient, by=patient.user, description="x")
    DeletedItem.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now() - dt.timedelta(days=2))
    assert purge_task.run() == 1
    assert not DeletedItem.objects.exists()


def test_the_purge_is_scheduled_in_beat(db):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    task = PeriodicTask.objects.get(name=PURGE)  # created by the data migration
    assert (task.task, task.enabled, task.crontab.minute, task.crontab.hour) == ("undo.purge_deleted_items", True, "40", "*")
    ensure_schedule(PeriodicTask, CrontabSchedule)  # idempotent
    assert PeriodicTask.objects.filter(name=PURGE).count() == 1


def test_deleting_the_account_empties_its_bin(patient):
    delete_with_undo(LabResultFactory(patient=patient), patient=patient, by=patient.user, description="x")
    patient.delete()
    assert not DeletedItem.objects.exists()
