"""Delete and Undo through the pages: htmx swaps in "Deleted. Undo"; without JavaScript a confirmation page and an
Undo button in the messages area. Permissions, refusals and the access log."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bonetrack.audit.models import AccessAction, AccessEvent
from bonetrack.labs.models import LabResult
from bonetrack.undo.models import DeletedItem
from exercise.models import ExerciseSession, SessionEntry
from nutrition.models import LogItem
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory
from tests.labs.factories import LabResultFactory
from tests.nutrition.factories import CalciumSupplementFactory, FoodFactory, LogItemFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
UNDO_FORM = re.compile(r'<form method="post" action="([^"]+/undo/)"')


@pytest.fixture
def day(patient):
    from bonetrack.core.timezones import local_today

    return local_today(patient.user)


def _milk(patient, day, quantity=100):
    return LogItemFactory(
        patient=patient, day=day, meal="breakfast", food=FoodFactory(calcium_mg=Decimal(100)), quantity=quantity
    )


def _calcium_total(html: str) -> str:
    """The day's calcium as the summary's progress bar reads it out."""
    return re.search(r'aria-label="Calcium[^"]*"[^>]*aria-valuetext="(\d+) of', html).group(1)


def _undo_url(response) -> str:
    found = UNDO_FORM.findall(response.content.decode())
    assert len(found) == 1, found
    return found[0]


def test_htmx_delete_shows_deleted_undo_in_place_and_undo_puts_the_item_back(patient_client, patient, day):
    kept, item = _milk(patient, day), _milk(patient, day, quantity=250)
    before = {field.attname: getattr(item, field.attname) for field in item._meta.concrete_fields}
    url = reverse("nutrition:item-delete", args=[patient.pk, item.pk])

    response = patient_client.post(url, {"date": day.isoformat()}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="status"' in html and "<strong>Deleted.</strong>" in html and ">Undo<" in html
    assert f'id="item-{kept.pk}"' in html and f'id="item-{item.pk}"' not in html
    assert _calcium_total(html) == "100"  # the day's calcium counts only what is left (100 mg of 350)
    assert not LogItem.objects.filter(pk=item.pk).exists()
    assert "hx-confirm" not in html and "data-confirm" not in html

    response = patient_client.post(_undo_url(response), **HTMX)
    assert response.status_code == 200
    assert "Put back" in response["HX-Trigger"]
    restored = LogItem.objects.get(pk=item.pk)
    assert {field.attname: getattr(restored, field.attname) for field in restored._meta.concrete_fields} == before
    assert _calcium_total(response.content.decode()) == "350"


def test_without_javascript_the_button_opens_a_confirmation_page_and_the_day_offers_undo(patient_client, patient, day):
    item = _milk(patient, day)
    url = reverse("nutrition:item-delete", args=[patient.pk, item.pk])

    page = patient_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delete 1 × 100 g" in html or "Delete 100 g" in html
    assert f'<form method="post" action="{url}">' in html
    assert LogItem.objects.filter(pk=item.pk).exists()  # a GET changes nothing

    response = patient_client.post(url, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("nutrition:day", args=[patient.pk]))
    html = response.content.decode()
    assert 'class="message message-undo' in html and "<strong>Deleted.</strong>" in html
    assert not LogItem.objects.filter(pk=item.pk).exists()

    response = patient_client.post(_undo_url(response), follow=True)
    assert "Put back" in response.content.decode()
    assert LogItem.objects.filter(pk=item.pk).exists()


def test_the_day_page_buttons_open_the_confirmation_page_without_javascript(patient_client, patient, day):
    item = _milk(patient, day)
    html = patient_client.get(reverse("nutrition:day", args=[patient.pk])).content.decode()
    delete = reverse("nutrition:item-delete", args=[patient.pk, item.pk])
    assert f'<form method="get" action="{delete}" hx-post="{delete}"' in html


def test_delete_then_undo_write_the_access_log(clinician_client, clinician, patient, day):
    item = _milk(patient, day)
    clinician_client.post(reverse("nutrition:item-delete", args=[patient.pk, item.pk]))
    deleted = DeletedItem.objects.get()
    clinician_client.post(reverse("nutrition:item-undo", args=[patient.pk, deleted.pk]))
    events = list(AccessEvent.objects.filter(actor=clinician, patient=patient).order_by("pk").values_list("action", "summary"))
    assert (AccessAction.DELETE, "Item delete") in events
    assert (AccessAction.CHANGE, "Item undo") in events
    assert deleted.deleted_by_id == clinician.pk


def test_undo_after_a_day_says_so_and_changes_nothing(patient_client, patient, day):
    item = _milk(patient, day)
    patient_client.post(reverse("nutrition:item-delete", args=[patient.pk, item.pk]))
    deleted = DeletedItem.objects.get()
    DeletedItem.objects.filter(pk=deleted.pk).update(deleted_at=deleted.deleted_at - dt.timedelta(hours=24))
    response = patient_client.post(reverse("nutrition:item-undo", args=[patient.pk, deleted.pk]), follow=True)
    assert "can no longer be undone" in response.content.decode()
    assert not LogItem.objects.exists()


def test_undo_once_purged_says_it_can_no_longer_be_undone(patient_client, patient):
    response = patient_client.post(reverse("nutrition:item-undo", args=[patient.pk, 999_999]))
    assert response.status_code == 404
    assert "can no longer be undone" in response.content.decode()


def test_unticking_a_supplement_offers_undo_in_its_row_and_undo_ticks_it_again(patient_client, patient, day):
    supplement = CalciumSupplementFactory(patient=patient)
    supplement.toggle_taken(day, by=patient.user)
    tick = LogItem.objects.get(supplement=supplement)
    url = reverse("nutrition:supplement-tick", args=[patient.pk, supplement.pk])
    response = patient_client.post(url, {"date": day.isoformat(), "form_token": "t1"}, **HTMX)
    html = response.content.decode()
    assert f'id="supplement-{supplement.pk}"' in html and "<strong>Deleted.</strong> The tick for" in html
    assert f'hx-target="#supplement-{supplement.pk}"' in html
    assert not LogItem.objects.exists()

    response = patient_client.post(_undo_url(response), **HTMX)
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert LogItem.objects.get().pk == tick.pk


def test_an_undo_of_a_tick_made_again_is_refused_with_a_message(patient_client, patient, day):
    supplement = CalciumSupplementFactory(patient=patient)
    supplement.toggle_taken(day, by=patient.user)
    deleted = supplement.toggle_taken(day, by=patient.user)
    supplement.toggle_taken(day, by=patient.user)
    again = LogItem.objects.get()
    response = patient_client.post(reverse("nutrition:item-undo", args=[patient.pk, deleted.pk]), **HTMX)
    assert response.status_code == 422
    assert "ticked again" in response["HX-Trigger"]
    assert list(LogItem.objects.all()) == [again]


def test_an_exercise_is_removed_and_put_back_on_the_week_page(patient_client, patient, day):
    session = ExerciseSessionFactory(patient=patient, date=day)
    walk, other = SessionEntryFactory(session=session, position=0), SessionEntryFactory(session=session, position=1)
    response = patient_client.post(reverse("exercise:entry-delete", args=[patient.pk, other.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<strong>Deleted.</strong>" in html and 'hx-target="#week-body"' in html
    assert list(SessionEntry.objects.values_list("pk", flat=True)) == [walk.pk]
    patient_client.post(_undo_url(response), **HTMX)
    assert sorted(SessionEntry.objects.values_list("pk", flat=True)) == [walk.pk, other.pk]


def test_a_session_is_deleted_with_its_exercises_and_put_back(patient_client, patient, day):
    session = ExerciseSessionFactory(patient=patient, date=day)
    entries = [SessionEntryFactory(session=session, position=n).pk for n in range(2)]
    url = reverse("exercise:session-delete", args=[patient.pk, session.pk])
    assert "Delete the session of" in patient_client.get(url).content.decode()
    response = patient_client.post(url, follow=True)
    assert not ExerciseSession.objects.exists() and not SessionEntry.objects.exists()
    patient_client.post(_undo_url(response))
    assert ExerciseSession.objects.get().pk == session.pk
    assert sorted(SessionEntry.objects.values_list("pk", flat=True)) == entries


def test_a_session_is_not_put_back_over_a_new_session_that_day(patient_client, patient, day):
    session = SessionEntryFactory(session__patient=patient, session__date=day).session
    patient_client.post(reverse("exercise:session-delete", args=[patient.pk, session.pk]))
    deleted = DeletedItem.objects.get()
    new = ExerciseSessionFactory(patient=patient, date=day)
    response = patient_client.post(reverse("exercise:undo", args=[patient.pk, deleted.pk]), follow=True)
    assert "that day has a session again" in response.content.decode()
    assert list(ExerciseSession.objects.all()) == [new]


def test_an_exercise_whose_session_was_deleted_cannot_come_back(patient_client, patient, day):
    entry = SessionEntryFactory(session__patient=patient, session__date=day)
    session = entry.session
    SessionEntryFactory(session=session)
    patient_client.post(reverse("exercise:entry-delete", args=[patient.pk, entry.pk]))
    deleted = DeletedItem.objects.get()
    ExerciseSession.objects.filter(pk=session.pk).delete()
    response = patient_client.post(reverse("exercise:undo", args=[patient.pk, deleted.pk]), **HTMX)
    assert response.status_code == 422 and "session has been deleted" in response["HX-Trigger"]
    assert not SessionEntry.objects.exists()


def test_a_patient_cannot_delete_or_undo_a_result_the_care_team_entered(client, patient, clinician):
    result = LabResultFactory(patient=patient, entered_by=clinician)
    own = LabResultFactory(patient=patient, entered_by=patient.user)
    client.force_login(patient.user)
    page = client.get(reverse("labs:lab-list", args=[patient.pk])).content.decode()
    assert reverse("labs:lab-delete", args=[patient.pk, own.pk]) in page
    assert reverse("labs:lab-delete", args=[patient.pk, result.pk]) not in page  # no button for it
    assert client.post(reverse("labs:lab-delete", args=[patient.pk, result.pk])).status_code == 403
    assert client.get(reverse("labs:lab-delete", args=[patient.pk, result.pk])).status_code == 403
    assert LabResult.objects.filter(pk=result.pk).exists()

    client.force_login(clinician)
    response = client.post(reverse("labs:lab-delete", args=[patient.pk, result.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<strong>Deleted.</strong>" in html
    assert f'<tr id="lab-{result.pk}"' in html and f'hx-target="#lab-{result.pk}"' in html  # Undo swaps this row back
    deleted = DeletedItem.objects.get()
    client.force_login(patient.user)
    assert client.post(reverse("labs:lab-undo", args=[patient.pk, deleted.pk])).status_code == 403
    assert not LabResult.objects.filter(pk=result.pk).exists()

    client.force_login(clinician)
    response = client.post(reverse("labs:lab-undo", args=[patient.pk, deleted.pk]), **HTMX)
    assert response.status_code == 200 and f'id="lab-{result.pk}"' in response.content.decode()
    assert LabResult.objects.get(pk=result.pk).entered_by == clinician


def test_a_patient_deletes_and_undoes_their_own_result_without_javascript(patient_client, patient):
    result = LabResultFactory(patient=patient, entered_by=patient.user)
    url = reverse("labs:lab-delete", args=[patient.pk, result.pk])
    assert "Delete the result" in patient_client.get(url).content.decode()
    response = patient_client.post(url, follow=True)
    assert not LabResult.objects.exists()
    response = patient_client.post(_undo_url(response), follow=True)
    assert LabResult.objects.get().pk == result.pk


def test_an_undo_url_of_another_kind_finds_nothing(patient_client, patient):
    result = LabResultFactory(patient=patient)
    patient_client.post(reverse("labs:lab-delete", args=[patient.pk, result.pk]))
    deleted = DeletedItem.objects.get()
    assert patient_client.post(reverse("nutrition:item-undo", args=[patient.pk, deleted.pk])).status_code == 404
    assert not LabResult.objects.exists()


def test_the_htmx_delete_of_a_meal_item_takes_a_fixed_number_of_queries(
    patient_client, patient, day, django_assert_max_num_queries
):
    items = [_milk(patient, day) for _ in range(5)]
    with django_assert_max_num_queries(25):
        patient_client.post(reverse("nutrition:item-delete", args=[patient.pk, items[0].pk]), **HTMX)


def test_an_exercise_removed_in_the_session_form_can_be_put_back(patient_client, patient, day):
    session = ExerciseSessionFactory(patient=patient, date=day)
    keep, drop = SessionEntryFactory(session=session, position=0), SessionEntryFactory(session=session, position=1, minutes=45)
    data = {"date": day.isoformat(), "notes": "", "form_token": "t1"}
    data |= {
        "entries-TOTAL_FORMS": "2",
        "entries-INITIAL_FORMS": "2",
        "entries-MIN_NUM_FORMS": "1",
        "entries-MAX_NUM_FORMS": "30",
    }
    for n, entry in enumerate((keep, drop)):
        data |= {
            f"entries-{n}-id": entry.pk,
            f"entries-{n}-session": session.pk,
            f"entries-{n}-exercise": entry.exercise_id,
            f"entries-{n}-minutes": entry.minutes,
            f"entries-{n}-load_unit": "kg",
        }
    data["entries-1-DELETE"] = "on"
    response = patient_client.post(reverse("exercise:session-edit", args=[patient.pk, session.pk]), data, follow=True)
    assert list(SessionEntry.objects.values_list("pk", flat=True)) == [keep.pk]
    assert "<strong>Deleted.</strong> Brisk walking: 45 min" in response.content.decode()
    patient_client.post(_undo_url(response))
    assert SessionEntry.objects.get(pk=drop.pk).minutes == 45


def test_htmx_session_delete_leaves_the_notice_in_the_week_and_undo_brings_it_back(patient_client, patient, day):
    session = SessionEntryFactory(session__patient=patient, session__date=day).session
    response = patient_client.post(reverse("exercise:session-delete", args=[patient.pk, session.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="week-body"' in html
    assert "<strong>Deleted.</strong> The session of" in html and f'id="session-{session.pk}"' not in html
    response = patient_client.post(_undo_url(response), **HTMX)
    assert f'id="session-{session.pk}"' in response.content.decode()
    assert SessionEntry.objects.get().session_id == session.pk


def test_unticking_without_javascript_offers_undo_on_the_day_page(patient_client, patient, day):
    supplement = CalciumSupplementFactory(patient=patient)
    supplement.toggle_taken(day, by=patient.user)
    url = reverse("nutrition:supplement-tick", args=[patient.pk, supplement.pk])
    response = patient_client.post(url, {"date": day.isoformat(), "form_token": "t2"}, follow=True)
    assert "<strong>Deleted.</strong> The tick for" in response.content.decode()
    patient_client.post(_undo_url(response))
    assert LogItem.objects.filter(supplement=supplement, date=day).exists()
