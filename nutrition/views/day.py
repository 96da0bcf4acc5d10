"""The day page, and what every action on it shares.

`day_params` reads the day, meal and search a request is about; after a change, `after_change` answers with the
refreshed `day-content` partial (htmx) or a redirect to the day, and `refuse_change` says why nothing changed.
"""

import dataclasses
import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from django_htmx.http import reswap, retarget, trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.dates import clamp_date
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.timezones import local_now, local_today

from ..forms import AddItemForm, CopyForm, ItemForm
from ..models import FOOD_MEALS, GRAMS, Food, LogItem, Meal
from ..portions import default_portion
from ..search import quick_foods, search_foods
from ..summary import day_summary


@dataclasses.dataclass(frozen=True)
class DayParams:
    """Which day and meal a page or action is about, the search text, and the patient's local today."""

    today: dt.date
    day: dt.date
    meal: str
    query: str = ""

    def on(self, day: dt.date, meal: str | None = None) -> "DayParams":
        """The same, for another day (and meal): where a change lands."""
        return dataclasses.replace(self, day=day, meal=meal or self.meal)


def default_meal(patient: PatientProfile) -> str:
    hour = local_now(patient.user).hour
    if hour < 11:
        return Meal.BREAKFAST
    if hour < 16:
        return Meal.LUNCH
    if hour < 21:
        return Meal.DINNER
    return Meal.SNACK


def day_params(request: HtmxHttpRequest, patient: PatientProfile) -> DayParams:
    """`date`, `meal` and `q` from the query string (the form, for a POST).

    The day is kept between the patient's birth and their local today; an unknown meal is the one for the
    patient's local time of day.
    """
    data = request.POST if request.method == "POST" else request.GET
    today = local_today(patient.user)
    meal = data.get("meal")
    return DayParams(
        today=today,
        day=clamp_date(data.get("date"), default=today, earliest=patient.date_of_birth, latest=today),
        meal=meal if meal in {m.value for m in FOOD_MEALS} else default_meal(patient),
        query=data.get("q", "").strip()[:100],
    )


def day_url(patient: PatientProfile, day: dt.date, **params) -> str:
    query = urlencode({"date": day.isoformat(), **{k: v for k, v in params.items() if v}})
    return f"{reverse('nutrition:day', kwargs={'patient_id': patient.pk})}?{query}"


def day_context(patient: PatientProfile, params: DayParams, **extra) -> dict:
    """What the day page needs, in a fixed number of queries (items, plan, totals with overrides, quick foods)."""
    day, today = params.day, params.today
    items = list(LogItem.objects.for_day(patient, day))
    supplements = list(patient.supplements.active().with_taken_on(day))
    summary = day_summary(patient, day, items, supplements)
    meals = [
        {
            "key": key.value,
            "label": key.label,
            "items": [item for item in items if item.meal == key],
            "totals": summary.meals.get(key.value),
            "tips": [tip for tip in summary.tips if tip.meal == key.value],
        }
        for key in FOOD_MEALS
    ]
    return {
        "patient": patient,
        "day": day,
        "today": today,
        "is_today": day == today,
        "previous_day": day - dt.timedelta(days=1) if day > patient.date_of_birth else None,
        "next_day": day + dt.timedelta(days=1) if day < today else None,
        "meal": params.meal,
        "meal_choices": [(m.value, m.label) for m in FOOD_MEALS],
        "meals": meals,
        "supplements": supplements,
        "summary": summary,
        "general_tips": [tip for tip in summary.tips if not tip.meal],
        "quick_foods": list(quick_foods(patient, today)),
        "query": params.query,
        "copy_form": extra.pop("copy_form", None)
        or CopyForm(initial={"date": day, "source_date": day - dt.timedelta(days=1)}, patient=patient, today=today),
        **extra,
    }


def render_day(
    request: HtmxHttpRequest,
    patient: PatientProfile,
    params: DayParams,
    *,
    partial: str = "day-content",
    status: int = 200,
    **extra,
) -> HttpResponse:
    template = "nutrition/day.html" + (f"#{partial}" if wants_partial(request) else "")
    return TemplateResponse(request, template, day_context(patient, params, **extra), status=status)


def after_change(
    request: HtmxHttpRequest, patient: PatientProfile, params: DayParams, message: str, *, anchor: str = ""
) -> HttpResponse:
    """htmx: the refreshed day content and a status message; otherwise back to the day page (PRG), at `anchor`."""
    if wants_partial(request):
        response = render_day(request, patient, params)
        return trigger_client_event(response, "showMessage", {"value": message, "level": "success"})
    messages.success(request, message)
    return redirect(day_url(patient, params.day, meal=params.meal) + (f"#{anchor}" if anchor else ""))


def supplement_row(
    request: HtmxHttpRequest, patient: PatientProfile, params: DayParams, supplement_id: int, message: str, *, undo=None
) -> HttpResponse:
    """htmx, after a tick changed: the supplement's row (with `undo`, the notice of its untick) and the day's totals,
    so the page keeps its scroll position and the tick its focus; the whole day when it is no longer in the plan."""
    context = day_context(patient, params)
    row = next((s for s in context["supplements"] if s.pk == supplement_id), None)
    if row is None:  # no longer in the plan: its row is gone, so the whole day is refreshed
        return reswap(retarget(after_change(request, patient, params, message), "#day-content"), "outerHTML")
    response = TemplateResponse(request, "nutrition/day.html#supplement-ticked", {**context, "supplement": row, "undo": undo})
    return trigger_client_event(response, "showMessage", {"value": message, "level": "success"})


def refuse_change(request: HtmxHttpRequest, patient: PatientProfile, params: DayParams, message: str) -> HttpResponse:
    """A change that cannot be made: say why, and change nothing (htmx keeps the page as it is)."""
    if wants_partial(request):
        response = HttpResponse(status=422)
        return trigger_client_event(response, "showMessage", {"value": message, "level": "error"})
    messages.error(request, message)
    return render_day(request, patient, params.on(params.today), status=422)


def food_from(patient: PatientProfile, value: str | None) -> Food | None:
    """The food `?food=` names, with its portions; 404 when it is another patient's own food."""
    if not value:
        return None
    try:
        food_id = int(value)
    except (TypeError, ValueError):
        return None
    return get_object_or_404(Food.objects.visible_to(patient).prefetch_related("portions"), pk=food_id)


def add_form(patient: PatientProfile, food: Food, params: DayParams, data=None, portion=None, quantity=None) -> AddItemForm:
    """The form that logs `food`, starting from `portion` when given, else the amount the patient last logged of it,
    else the food's most likely helping (`default_portion`), else 100 g when it has no household portions."""
    initial = {"date": params.day, "food": food.pk, "meal": params.meal, "quantity": quantity or 1}
    form = AddItemForm(data, food=food, patient=patient, today=params.today, initial=initial)
    if data is not None:
        return form
    if portion is not None:
        form.initial["portion"] = str(portion)
        return form
    last = LogItem.objects.last_of(patient, food)
    if last is not None and (last.portion_id is None or str(last.portion_id) in form.portions):
        form.initial.update(ItemForm.initial_for(last), meal=params.meal)
    elif (usual := default_portion(list(form.portions.values()), food.energy_kcal)) is not None:
        form.initial["portion"] = str(usual.pk)
    else:
        form.initial["portion"] = GRAMS
        form.initial["quantity"] = 100
    return form


@require_GET
@patient_view
def day_view(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """One local day: meals, supplements, totals against targets, and R8 tips. ?date=YYYY-MM-DD."""
    params = day_params(request, patient)
    extra = {}
    if params.query:
        extra["results"] = search_foods(patient, params.query, params.today)
    food = food_from(patient, request.GET.get("food"))
    if food is not None:
        extra["add_form"], extra["add_food"] = add_form(patient, food, params), food
    return render_day(request, patient, params, partial="day-page", **extra)
