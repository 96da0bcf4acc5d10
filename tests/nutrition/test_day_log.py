import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.models import Food, LogItem, NutrientTargetOverride, Portion
from nutrition.summary import day_summary
from tests.nutrition.factories import (
    CalciumSupplementFactory,
    CustomFoodFactory,
    FavouriteFactory,
    LogItemFactory,
    SupplementFactory,
    TargetOverrideFactory,
)


def url(name, patient, **kwargs):
    return reverse(f"nutrition:{name}", kwargs={"patient_id": patient.pk, **kwargs})


def portion(food: Food, label: str) -> Portion:
    return next(p for p in food.portions.all() if p.label == label)


def add(client, patient, food, day, portion_key, quantity, meal="breakfast", htmx=True):
    data = {"date": day.isoformat(), "food": food.pk, "meal": meal, "portion": portion_key, "quantity": quantity}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url("item-add", patient), data, **headers)


def test_one_cup_of_whole_milk_is_244_g_and_276_mg_calcium(patient_client, patient, foods, today):
    milk = foods["01077"]
    response = add(patient_client, patient, milk, today, str(portion(milk, "cup").pk), "1")
    assert response.status_code == 200
    item = LogItem.objects.get(patient=patient)
    assert item.grams == Decimal("244.00")
    assert item.calcium_mg == Decimal("275.72")
    assert round(item.calcium_mg) == 276
    assert item.vitamin_d_iu == Decimal("124.44")  # 51 IU per 100 g
    assert item.unit_label == "cup"
    assert "Added 1 cup Milk, whole" in response.headers["HX-Trigger"]
    html = response.content.decode()
    assert 'id="day-content"' in html
    assert "<strong>276</strong> of 1200 mg" in html  # woman of 68: R7 1200 mg


def test_one_cup_of_raw_spinach_is_30_g_and_not_counted_toward_calcium(patient_client, patient, foods, today):
    spinach, milk = foods["11457"], foods["01077"]
    add(patient_client, patient, spinach, today, str(portion(spinach, "cup").pk), "1")
    add(patient_client, patient, milk, today, str(portion(milk, "cup").pk), "1")
    item = LogItem.objects.get(patient=patient, food=spinach)
    assert (item.grams, item.calcium_mg, item.high_oxalate) == (Decimal("30.00"), Decimal("29.70"), True)
    summary = day_summary(patient, today)
    assert summary.totals["calcium_mg"] == Decimal("305.42")
    assert summary.calcium.amount == Decimal("275.72")  # spinach's calcium shown, not counted
    assert "30 mg from high-oxalate foods not counted" in summary.calcium.note
    response = patient_client.get(url("day", patient))
    assert "high oxalate" in response.content.decode()


def test_grams_and_ounces(patient_client, patient, foods, today):
    cheddar = foods["01009"]
    add(patient_client, patient, cheddar, today, "oz", "2")
    add(patient_client, patient, cheddar, today, "g", "10", meal="snack")
    by_unit = {item.unit_label: item for item in LogItem.objects.filter(patient=patient)}
    assert by_unit["oz"].grams == Decimal("56.70")
    assert by_unit["oz"].calcium_mg == Decimal("402.57")  # 710 mg per 100 g
    assert by_unit["g"].calcium_mg == Decimal("71.00")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Enter a quantity above 0."),
        ("-1", "Enter a quantity above 0."),
        ("21", "One item can be at most 5 kg"),
        ("abc", "Enter a number."),
    ],
)
def test_bad_quantity_is_refused_inline_and_nothing_saved(patient_client, patient, foods, today, quantity, message):
    milk = foods["01077"]
    response = add(patient_client, patient, milk, today, str(portion(milk, "cup").pk), quantity)  # 21 cups = 5124 g
    html = response.content.decode()
    assert message in html
    assert response.headers["HX-Retarget"] == "#add-panel"
    assert f'value="{quantity}"' in html  # what the user typed is kept
    assert not LogItem.objects.exists()


def test_exactly_5_kg_is_allowed(patient_client, patient, foods, today):
    add(patient_client, patient, foods["01077"], today, "g", "5000")
    assert LogItem.objects.get().grams == 5000


def test_future_date_and_before_birth_are_refused(patient_client, patient, foods, today):
    milk = foods["01077"]
    response = add(patient_client, patient, milk, today + dt.timedelta(days=1), "g", "100", htmx=False)
    assert response.status_code == 422
    assert "future days cannot be logged" in response.content.decode()
    response = add(patient_client, patient, milk, patient.date_of_birth - dt.timedelta(days=1), "g", "100", htmx=False)
    assert "after your date of birth" in response.content.decode()
    assert not LogItem.objects.exists()


def test_without_htmx_the_add_redirects_to_the_day(patient_client, patient, foods, today):
    response = add(patient_client, patient, foods["01077"], today, "g", "100", htmx=False)
    assert response.status_code == 302
    assert response.url == f"{url('day', patient)}?date={today.isoformat()}&meal=breakfast"


def test_edit_recomputes_from_the_food(patient_client, patient, foods, today):
    milk = foods["01077"]
    add(patient_client, patient, milk, today, str(portion(milk, "cup").pk), "1")
    item = LogItem.objects.get()
    response = patient_client.get(url("item-edit", patient, item_id=item.pk), HTTP_HX_REQUEST="true")
    assert f'id="item-{item.pk}"' in response.content.decode()
    response = patient_client.post(
        url("item-edit", patient, item_id=item.pk),
        {"meal": "lunch", "portion": str(portion(milk, "cup").pk), "quantity": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.meal, item.grams, item.calcium_mg) == ("lunch", Decimal("488.00"), Decimal("551.44"))


def test_invalid_edit_keeps_the_old_values(patient_client, patient, foods, today):
    add(patient_client, patient, foods["01077"], today, "g", "100")
    item = LogItem.objects.get()
    response = patient_client.post(
        url("item-edit", patient, item_id=item.pk), {"meal": "lunch", "portion": "g", "quantity": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "Enter a quantity above 0." in response.content.decode()
    assert response.headers["HX-Retarget"] == f"#item-{item.pk}"
    item.refresh_from_db()
    assert (item.meal, item.grams) == ("breakfast", 100)


def test_delete(patient_client, patient, foods, today):
    add(patient_client, patient, foods["01077"], today, "g", "100")
    item = LogItem.objects.get()
    response = patient_client.post(url("item-delete", patient, item_id=item.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<strong>Deleted.</strong> 100 g Milk" in response.content.decode()  # with Undo, in the item's place
    assert not LogItem.objects.exists()


def test_copy_previous_day_and_one_meal(patient_client, patient, foods, today):
    yesterday = today - dt.timedelta(days=1)
    add(patient_client, patient, foods["01077"], yesterday, "g", "200", meal="breakfast")
    add(patient_client, patient, foods["01009"], yesterday, "g", "30", meal="lunch")
    patient_client.post(url("day-copy", patient), {"source_date": yesterday.isoformat(), "date": today.isoformat()})
    assert sorted(LogItem.objects.filter(date=today).values_list("meal", "grams")) == [("breakfast", 200), ("lunch", 30)]
    patient_client.post(
        url("day-copy", patient),
        {"source_date": yesterday.isoformat(), "source_meal": "lunch", "target_meal": "snack", "date": today.isoformat()},
    )
    assert LogItem.objects.filter(date=today, meal="snack", calcium_mg=Decimal("213.00")).count() == 1


def test_copy_into_the_future_is_refused(patient_client, patient, foods, today):
    add(patient_client, patient, foods["01077"], today, "g", "200")
    response = patient_client.post(
        url("day-copy", patient), {"source_date": today.isoformat(), "date": (today + dt.timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 422
    assert LogItem.objects.count() == 1


def test_unknown_nutrients_are_counted_not_zero(patient_client, patient, foods, today):
    food = CustomFoodFactory(owner=patient, description="Market cheese", calcium_mg=None, energy_kcal=300)
    add(patient_client, patient, food, today, "g", "100")
    add(patient_client, patient, foods["01077"], today, "g", "100")
    summary = day_summary(patient, today)
    assert summary.calcium.unknown == 1
    assert summary.calcium.amount == Decimal("113.00")
    html = patient_client.get(url("day", patient)).content.decode()
    assert "1 item without data" in html
    assert "no data" in html


def test_supplement_tick_counts_and_untick(patient_client, patient, foods, today):
    supplement = CalciumSupplementFactory(patient=patient, amount_per_unit=Decimal(315), units_per_dose=2)
    response = patient_client.post(
        url("supplement-tick", patient, supplement_id=supplement.pk), {"date": today.isoformat()}, HTTP_HX_REQUEST="true"
    )
    assert 'aria-pressed="true"' in response.content.decode()
    summary = day_summary(patient, today)
    assert summary.calcium.amount == 630
    assert summary.totals["calcium_supplement_mg"] == 630
    assert any("split" in tip.text for tip in day_summary(patient, today, supplements=[supplement]).tips)  # 630 mg per dose
    patient_client.post(url("supplement-tick", patient, supplement_id=supplement.pk), {"date": today.isoformat()})
    assert not LogItem.objects.exists()


def test_warnings_for_limits(patient_client, patient, foods, today):
    coffee = foods["14209"]
    add(patient_client, patient, coffee, today, str(portion(coffee, "cup (8 fl oz)").pk), "4")  # 379 mg caffeine
    summary = day_summary(patient, today)
    assert any("Caffeine is 379 mg" in w and "faster bone loss" in w for w in summary.warnings)
    add(patient_client, patient, foods["01009"], today, "g", "300")  # 2130 mg calcium
    assert any("above the upper limit of 2000 mg" in w for w in day_summary(patient, today).warnings)


def test_r8_tip_in_the_same_meal(patient_client, patient, foods, today):
    add(patient_client, patient, foods["12061"], today, "g", "30", meal="breakfast")  # almonds: phytate
    add(patient_client, patient, foods["01009"], today, "g", "40", meal="breakfast")  # 284 mg calcium
    html = patient_client.get(url("day", patient)).content.decode()
    assert "Nuts, almonds is high in phytate" in html
    add(patient_client, patient, foods["11233"], today, "g", "100", meal="lunch")  # kale: no tip
    assert len(day_summary(patient, today, LogItem.objects.filter(patient=patient)).tips) == 1


def test_favourites_and_recent_foods_come_first_and_one_tap_add(patient_client, patient, foods, today):
    FavouriteFactory(patient=patient, food=foods["42131"])
    response = patient_client.get(url("food-search", patient), {"q": "milk"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.index("Milk dessert, frozen") < html.index("Milk, whole")
    patient.favourite_foods.all().delete()
    html = patient_client.get(url("food-search", patient), {"q": "milk"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.index("Milk, whole") < html.index("Milk, reduced fat") < html.index("Milk dessert, frozen")
    milk = foods["01077"]
    add(patient_client, patient, milk, today - dt.timedelta(days=3), str(portion(milk, "cup").pk), "1.5")
    page = patient_client.get(url("day", patient)).content.decode()
    assert "+</span> 1.5 cup" in page  # one-tap add with the last portion


def test_custom_foods_are_visible_only_to_their_owner(client, patient, foods, today):
    from tests.factories import PatientFactory

    other = PatientFactory()
    CustomFoodFactory(owner=other, description="Secret milk pudding")
    client.force_login(patient.user)
    html = client.get(url("food-search", patient), {"q": "secret"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Secret milk pudding" not in html
    client.force_login(other.user)
    html = client.get(url("food-search", other), {"q": "secret"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Secret milk pudding" in html


def test_clinician_override_shows_as_set_by_clinician(client, patient, clinician, foods, today):
    client.force_login(clinician)
    response = client.post(url("targets", patient), {"calcium_mg": "1500"})
    assert response.status_code == 302
    override = NutrientTargetOverride.objects.get(patient=patient)
    assert (override.value, override.set_by) == (1500, clinician)
    client.force_login(patient.user)
    html = client.get(url("day", patient)).content.decode()
    assert "of 1500 mg" in html and "set by your clinician" in html
    assert client.post(url("targets", patient), {"calcium_mg": "900"}).status_code == 403
    client.force_login(clinician)
    client.post(url("targets", patient), {"calcium_mg": ""})
    assert not NutrientTargetOverride.objects.exists()


def test_day_view_query_budget(patient_client, patient, foods, today, django_assert_max_num_queries):
    supplement = SupplementFactory(patient=patient)
    for offset in range(40):
        day = today - dt.timedelta(days=offset)
        for meal in ("breakfast", "lunch", "dinner"):
            for ndb in ("01077", "11457", "01009"):
                LogItemFactory(patient=patient, day=day, meal=meal, food=foods[ndb], quantity=100)
        LogItem.from_supplement(patient=patient, day=day, supplement=supplement).save()
    FavouriteFactory(patient=patient, food=foods["12061"])
    TargetOverrideFactory(patient=patient, nutrient="calcium_mg", value=1300)
    patient_client.get(url("day", patient))
    # Budget 10 data statements; one left for the audit row a clinician's view will add. The request's
    # transaction adds a SAVEPOINT and its RELEASE inside the test's own transaction.
    with django_assert_max_num_queries(9 + 2):
        response = patient_client.get(url("day", patient))
    assert response.status_code == 200
    assert "of 1300 mg" in response.content.decode()


def test_trend_query_budget_does_not_grow_with_items(patient_client, patient, foods, today, django_assert_max_num_queries):
    for offset in range(90):
        for ndb in ("01077", "01009", "14209"):
            LogItemFactory(patient=patient, day=today - dt.timedelta(days=offset), meal="lunch", food=foods[ndb], quantity=50)
    patient_client.get(url("trends", patient))
    with django_assert_max_num_queries(5 + 2):  # budget 5, plus the request's SAVEPOINT and RELEASE
        response = patient_client.get(url("trends", patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="calcium-figure"' in html
    assert "90 logged" in html


def test_dashboard_panel_in_three_queries(rf, patient, foods, today, django_assert_max_num_queries):
    from nutrition.panels import dashboard_panel

    LogItemFactory(patient=patient, day=today, meal="lunch", food=foods["01077"], quantity=244)
    with django_assert_max_num_queries(3):
        panel = dashboard_panel(rf.get("/"), patient, today)
    calcium = next(line for line in panel["lines"] if line.key == "calcium_mg")
    assert (calcium.amount, calcium.percent) == (Decimal("275.72"), 23)


def test_precompiled_meal_totals_match_the_orm(patient, foods, today, clinician):
    from nutrition.summary import meal_rows, meal_totals_queryset, overrides_from_row

    LogItemFactory(patient=patient, day=today, meal="lunch", food=foods["01077"], quantity=244)
    LogItemFactory(patient=patient, day=today, meal="lunch", food=foods["11457"], quantity=30)
    LogItemFactory(patient=patient, day=today - dt.timedelta(days=1), meal="lunch", food=foods["01009"], quantity=30)
    TargetOverrideFactory(patient=patient, nutrient="vitamin_d_iu", value=1000, set_by=clinician)
    rows, overrides = meal_rows(patient, today)
    orm = list(meal_totals_queryset(patient.pk, today))
    assert len(rows) == len(orm) == 1
    assert rows["lunch"]["calcium_mg"] == Decimal("305.42")
    assert rows["lunch"]["calcium_countable_mg"] == Decimal("275.72")
    assert rows["lunch"]["items"] == 2
    assert overrides == overrides_from_row(orm[0]) == {"vitamin_d_iu": (Decimal(1000), "")}


def test_supplement_tick_answers_with_its_row_and_the_totals_only(patient_client, patient, foods, today):
    supplement = CalciumSupplementFactory(patient=patient, amount_per_unit=Decimal(500))
    tick = url("supplement-tick", patient, supplement_id=supplement.pk)
    response = patient_client.post(tick, {"date": today.isoformat()}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="list-row" id="supplement-{supplement.pk}">')
    assert f'id="tick-{supplement.pk}"' in html and 'aria-pressed="true"' in html
    assert '<section class="card" id="day-summary" aria-labelledby="summary-heading" hx-swap-oob="true">' in html
    assert "<strong>500</strong> of 1200 mg" in html
    assert 'id="day-content"' not in html and 'id="search-results"' not in html
    assert "taken on" in response.headers["HX-Trigger"]


def test_supplement_tick_without_htmx_returns_to_the_row(patient_client, patient, foods, today):
    supplement = SupplementFactory(patient=patient)
    response = patient_client.post(url("supplement-tick", patient, supplement_id=supplement.pk), {"date": today.isoformat()})
    assert response.status_code == 302
    assert response.url.endswith(f"#supplement-{supplement.pk}")


def test_ticking_a_stopped_supplement_refreshes_the_whole_day(patient_client, patient, foods, today):
    supplement = SupplementFactory(patient=patient)
    supplement.stop()
    response = patient_client.post(
        url("supplement-tick", patient, supplement_id=supplement.pk), {"date": today.isoformat()}, HTTP_HX_REQUEST="true"
    )
    assert response.headers["HX-Retarget"] == "#day-content"
    assert 'id="day-content"' in response.content.decode()


def test_supplement_tick_query_budget(patient_client, patient, foods, today, django_assert_max_num_queries):
    supplement = SupplementFactory(patient=patient)
    SupplementFactory(patient=patient)
    for ndb in ("01077", "11457", "01009"):
        LogItemFactory(patient=patient, day=today, meal="lunch", food=foods[ndb], quantity=100)
    tick = url("supplement-tick", patient, supplement_id=supplement.pk)
    patient_client.post(tick, {"date": today.isoformat()}, HTTP_HX_REQUEST="true")
    # Session, user, patient, form token (3), supplement, the tick (2), then the day's items, plan, totals and quick
    # foods, the audit row, and the request's SAVEPOINTs and RELEASEs.
    with django_assert_max_num_queries(20):
        response = patient_client.post(tick, {"date": today.isoformat()}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in response.content.decode()


def test_add_panel_query_budget(patient_client, patient, foods, today, django_assert_max_num_queries):
    cheddar = foods["01009"]
    for offset in range(30):
        LogItemFactory(patient=patient, day=today - dt.timedelta(days=offset), food=cheddar, quantity=30)
    add_panel = url("item-add", patient)
    # Session, user, patient, the food and its portions, the last item of it, the audit row, SAVEPOINT and RELEASE.
    with django_assert_max_num_queries(10):
        response = patient_client.get(add_panel, {"food": cheddar.pk}, HTTP_HX_REQUEST="true")
    assert response.context["add_form"]["portion"].value() == "g"  # the last one was 30 g
