"""Deleted. Undo: a meal item deleted by mistake on a phone is put back from the notice in its place."""

import datetime as dt

from playwright.sync_api import expect

from nutrition.models import LogItem, Portion
from nutrition.reference_data import load
from tests.factories import PatientFactory
from tests.nutrition.factories import LogItemFactory


def test_delete_a_meal_item_then_undo_on_a_phone(live_server, sign_in, page):
    load(only=["01077"])
    page.set_viewport_size({"width": 360, "height": 800})
    patient = PatientFactory(user__email="undo.phone@example.org")
    cup = Portion.objects.get(food__ndb_no="01077", seq=1)
    item = LogItemFactory(patient=patient, day=dt.date.today(), meal="breakfast", food=cup.food, portion=cup, quantity=1)
    before = LogItem.objects.filter(pk=item.pk).values().get()
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/nutrition/")
    calcium = page.locator("#day-summary .nutrient-calcium_mg .progress-value")
    expect(calcium).to_contain_text("276 of 1200 mg")
    page.evaluate("window.__noReload = true")

    page.locator("#meal-breakfast").get_by_role("button", name="Remove").click()  # no "are you sure?" prompt
    notice = page.locator("#meal-breakfast .undo-notice")
    expect(notice).to_contain_text("Deleted. 1 cup Milk")
    expect(notice).to_have_attribute("role", "status")
    expect(calcium).to_contain_text("0 of 1200 mg")
    assert not LogItem.objects.filter(pk=item.pk).exists()

    undo = notice.get_by_role("button", name="Undo")
    box = undo.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # on screen at 360 px
    page.wait_for_timeout(10_500)
    expect(undo).to_be_visible()  # still offered after 10 seconds

    undo.focus()
    page.keyboard.press("Enter")  # reachable and usable from the keyboard
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("Milk, whole")
    expect(calcium).to_contain_text("276 of 1200 mg")
    expect(page.locator("#messages")).to_contain_text("Put back: 1 cup Milk")
    assert page.evaluate("window.__noReload") is True
    assert LogItem.objects.filter(pk=item.pk).values().get() == before
