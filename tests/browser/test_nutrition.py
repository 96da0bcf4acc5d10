import datetime as dt

from playwright.sync_api import expect

from nutrition.models import LogItem, Portion, Supplement
from nutrition.reference_data import load
from tests.factories import PatientFactory
from tests.nutrition.factories import CalciumSupplementFactory, LogItemFactory, SupplementFactory


def test_search_milk_add_a_cup_and_calcium_updates_in_place(live_server, sign_in):
    # live_server flushes the database: load the few foods through the same loader the app uses.
    load(only=["01077", "01079", "42131", "11457"])
    patient = PatientFactory(user__email="margaret.nutrition@example.org")
    page = sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/nutrition/?meal=breakfast")
    calcium = page.locator("#day-summary .nutrient-calcium_mg .progress-value")
    expect(calcium).to_contain_text("of 1200 mg")
    page.evaluate("window.__noReload = true")

    page.get_by_label("Search foods").fill("milk")
    first = page.locator("#search-results .food-result").first
    expect(first).to_contain_text("Milk, whole")
    first.click()
    quantity = page.locator("#add-panel").get_by_label("Quantity")
    expect(quantity).to_be_focused()
    cup = Portion.objects.get(food__ndb_no="01077", seq=1)
    expect(page.locator("#add-panel").get_by_label("Portion")).to_have_value(str(cup.pk))
    page.locator("#add-panel").get_by_role("button", name="Add", exact=True).click()

    expect(calcium).to_contain_text("276 of 1200 mg · 23%")
    expect(page.locator("#meal-breakfast")).to_contain_text("Milk, whole, with vitamin D")
    expect(page.locator("#messages")).to_contain_text("Added 1 cup Milk, whole")
    assert page.evaluate("window.__noReload") is True  # the page was never reloaded
    assert str(LogItem.objects.get(patient=patient).calcium_mg) == "275.72"

    # Bad input: a clear message, nothing saved.
    page.get_by_label("Search foods").fill("spinach")
    page.locator("#search-results .food-result").first.click()
    page.locator("#add-panel").get_by_label("Quantity").fill("0")
    page.locator("#add-panel").get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#add-panel")).to_contain_text("Enter a quantity above 0.")
    assert LogItem.objects.filter(patient=patient).count() == 1


def test_day_page_on_a_phone(live_server, sign_in, page):
    """At 360 px: "Add food" comes first, search results are not an inner scroll box, a tick keeps focus and scroll."""
    milks = [f"0{n}" for n in range(1077, 1089)]
    load(only=[*milks, "01009"])
    page.set_viewport_size({"width": 360, "height": 740})
    patient = PatientFactory(user__email="rose.phone@example.org")
    cheddar = Portion.objects.get(food__ndb_no="01009", measure="slice (1 oz)").food
    for meal in ("breakfast", "lunch", "dinner", "snack"):
        for _ in range(3):
            LogItemFactory(patient=patient, day=dt.date.today(), meal=meal, food=cheddar, quantity=30)
    SupplementFactory(patient=patient)
    calcium = CalciumSupplementFactory(patient=patient, amount_per_unit=500)
    sign_in(patient.user)
    page.goto(f"{live_server.url}/patients/{patient.pk}/nutrition/")

    add_top = page.locator(".add-card").bounding_box()["y"]
    assert add_top < page.locator("#day-summary").bounding_box()["y"]
    assert add_top < page.locator("#meal-breakfast").bounding_box()["y"]

    page.get_by_label("Search foods").fill("milk")
    results = page.locator("#search-results .food-results")
    expect(results.locator(".food-result")).to_have_count(12)  # capped by count (search_foods' limit)
    assert results.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # the whole list shows, no inner scroll
    page.get_by_label("Search foods").fill("")
    expect(results).to_have_count(0)

    tick = page.locator(f"#tick-{calcium.pk}")
    tick.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    on_screen = tick.bounding_box()["y"]  # where the tick is in the viewport
    tick.click()
    expect(tick).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#day-summary .nutrient-calcium_mg .progress-value")).to_contain_text("1")
    expect(tick).to_be_focused()
    assert abs(tick.bounding_box()["y"] - on_screen) < 2  # the page did not jump (the totals above may have grown)
    assert Supplement.objects.get(pk=calcium.pk).intakes.count() == 1
    page.keyboard.press("Space")  # untick from the keyboard: focus is still on it
    expect(tick).to_have_attribute("aria-pressed", "false")
    expect(tick).to_be_focused()
