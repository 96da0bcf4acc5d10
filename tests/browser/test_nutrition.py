from playwright.sync_api import expect

from nutrition.models import LogItem, Portion
from nutrition.reference_data import load
from tests.factories import PatientFactory


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
    expect(page.locator("#meal-breakfast")).to_contain_text("Milk, whole, 3.25% milkfat")
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
