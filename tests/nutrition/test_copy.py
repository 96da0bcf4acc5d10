"""Copying a day or a meal says first what the day already has, instead of silently counting it twice."""

import datetime as dt
import uuid

from django.urls import reverse

from bonetrack.core.submissions import FIELD
from nutrition.copying import CopyPlan
from nutrition.models import LogItem


def url(patient):
    return reverse("nutrition:day-copy", kwargs={"patient_id": patient.pk})


def add(client, patient, food, day, grams, meal):
    data = {"date": day.isoformat(), "food": food.pk, "meal": meal, "portion": "g", "quantity": grams}
    client.post(reverse("nutrition:item-add", kwargs={"patient_id": patient.pk}), data, HTTP_HX_REQUEST="true")


def copy(client, patient, source, target, htmx=True, **extra):
    data = {"source_date": source.isoformat(), "date": target.isoformat(), "meal": "lunch", FIELD: str(uuid.uuid4()), **extra}
    return client.post(url(patient), data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


def on(day) -> list[tuple]:
    return sorted(LogItem.objects.filter(date=day).values_list("meal", "description", "grams"))


def test_copying_a_day_twice_asks_before_doubling_it(patient_client, patient, foods, today):
    yesterday = today - dt.timedelta(days=1)
    add(patient_client, patient, foods["01077"], yesterday, "200", "breakfast")
    add(patient_client, patient, foods["01009"], yesterday, "30", "lunch")
    copy(patient_client, patient, yesterday, today)
    assert len(on(today)) == 2

    response = copy(patient_client, patient, yesterday, today)  # the same copy again, from a fresh form
    assert response.status_code == 200 and len(on(today)) == 2  # nothing written yet
    html = response.content.decode()
    assert "already has 2 of the 2 items from" in html
    assert f"Breakfast: 200 g {foods['01077'].description}" in html and "Lunch: 30 g Cheese, cheddar" in html
    assert 'name="duplicates" value="skip"' in html and "Nothing is missing" in html and "Copy all 2 again" in html

    response = copy(patient_client, patient, yesterday, today, duplicates="skip")
    assert "Nothing copied" in response["HX-Trigger"] and len(on(today)) == 2
    copy(patient_client, patient, yesterday, today, duplicates="again")
    assert len(on(today)) == 4  # asked for, and done


def test_only_what_is_missing(patient_client, patient, foods, today):
    yesterday = today - dt.timedelta(days=1)
    add(patient_client, patient, foods["01077"], yesterday, "200", "breakfast")
    add(patient_client, patient, foods["01009"], yesterday, "30", "lunch")
    add(patient_client, patient, foods["01077"], today, "200", "breakfast")
    html = copy(patient_client, patient, yesterday, today, htmx=False).content.decode()
    assert "already has 1 of the 2 items" in html and "Copy only the 1 missing" in html
    copy(patient_client, patient, yesterday, today, htmx=False, duplicates="skip")
    milk, cheddar = foods["01077"].description, foods["01009"].description
    assert on(today) == [("breakfast", milk, 200), ("lunch", cheddar, 30)]


def test_the_same_food_in_another_meal_or_amount_is_not_a_duplicate(patient, foods, today, patient_client):
    yesterday = today - dt.timedelta(days=1)
    add(patient_client, patient, foods["01077"], yesterday, "200", "breakfast")
    add(patient_client, patient, foods["01077"], today, "200", "snack")
    add(patient_client, patient, foods["01077"], today, "100", "breakfast")
    plan = CopyPlan.build(patient, source_date=yesterday, source_meal="", date=today, target_meal="")
    assert plan.already == [] and len(plan.missing) == 1
    # Copied into the snack instead, it is there already.
    plan = CopyPlan.build(patient, source_date=yesterday, source_meal="breakfast", date=today, target_meal="snack")
    assert [str(item) for item in plan.already] == [f"200 g {foods['01077'].description}"]
    assert plan.already_by_meal() == [("Snacks", plan.already)]
