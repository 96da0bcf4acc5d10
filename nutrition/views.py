"""Nutrition pages. The day view serves the page and, for htmx requests, its `day-content` partial after each change."""

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.dates import clamp_date
from bonetrack.core.htmx import wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_now, local_today

from . import charts
from .copying import CopyPlan
from .forms import (
    GRAMS,
    AddItemForm,
    CopyForm,
    CustomFoodForm,
    ItemForm,
    SupplementForm,
    SupplementTickForm,
    TargetOverrideForm,
)
from .models import FOOD_MEALS, Favourite, Food, LogItem, Meal, NutrientTargetOverride, TargetNutrient
from .search import quick_foods, search_foods
from .summary import TREND_NUTRIENTS, daily_rows, day_summary, fetch_overrides, window_averages
from .targets import default_targets, targets_for


def _reuse_profile(request: HttpRequest, patient: PatientProfile) -> None:
    """The navigation reads request.user.patient_profile: hand it the patient already loaded (saves a query)."""
    if request.user.pk == patient.user_id:
        request.user.patient_profile = patient


def parse_day(value: str | None, patient: PatientProfile, today: dt.date) -> dt.date:
    """The local date to show (`?date=`), kept between the patient's birth and today."""
    return clamp_date(value, default=today, earliest=patient.date_of_birth, latest=today)


def default_meal(patient: PatientProfile) -> str:
    hour = local_now(patient.user).hour
    if hour < 11:
        return Meal.BREAKFAST
    if hour < 16:
        return Meal.LUNCH
    if hour < 21:
        return Meal.DINNER
    return Meal.SNACK


def chosen_meal(value: str | None, patient: PatientProfile) -> str:
    return value if value in {m.value for m in FOOD_MEALS} else default_meal(patient)


def day_url(patient: PatientProfile, day: dt.date, **params) -> str:
    query = urlencode({"date": day.isoformat(), **{k: v for k, v in params.items() if v}})
    return f"{reverse('nutrition:day', kwargs={'patient_id': patient.pk})}?{query}"


def day_context(request, patient: PatientProfile, day: dt.date, today: dt.date, meal: str, **extra) -> dict:
    """What the day page needs, in a fixed number of queries (items, plan, totals with overrides, quick foods)."""
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
        "meal": meal,
        "meal_choices": [(m.value, m.label) for m in FOOD_MEALS],
        "meals": meals,
        "supplements": supplements,
        "summary": summary,
        "general_tips": [tip for tip in summary.tips if not tip.meal],
        "quick_foods": list(quick_foods(patient, today)),
        "copy_form": extra.pop("copy_form", None)
        or CopyForm(initial={"date": day, "source_date": day - dt.timedelta(days=1)}, patient=patient, today=today),
        **extra,
    }


def render_day(request, patient, day, today, meal, *, partial: str = "day-content", status: int = 200, **extra) -> HttpResponse:
    context = day_context(request, patient, day, today, meal, **extra)
    template = "nutrition/day.html" + (f"#{partial}" if wants_partial(request) else "")
    return TemplateResponse(request, template, context, status=status)


def after_change(request, patient, day, meal, message: str) -> HttpResponse:
    """htmx: the refreshed day content and a status message; otherwise back to the day page (PRG)."""
    if wants_partial(request):
        response = render_day(request, patient, day, local_today(patient.user), meal)
        return trigger_client_event(response, "showMessage", {"value": message, "level": "success"})
    messages.success(request, message)
    return redirect(day_url(patient, day, meal=meal))


def _food_for(request, patient, value) -> Food | None:
    if not value:
        return None
    try:
        food_id = int(value)
    except (TypeError, ValueError):
        return None
    return get_object_or_404(Food.objects.visible_to(patient).prefetch_related("portions"), pk=food_id)


def _add_form(patient, food, day, today, meal, data=None, initial_portion=None, initial_quantity=None) -> AddItemForm:
    initial = {"date": day, "food": food.pk, "meal": meal, "quantity": initial_quantity or 1}
    form = AddItemForm(data, food=food, patient=patient, today=today, initial=initial)
    if initial_portion is not None:
        form.initial["portion"] = str(initial_portion)
    elif not form.portions:
        form.initial["portion"] = GRAMS
        form.initial["quantity"] = 100
    return form


def refuse_change(request, patient, today: dt.date, meal: str, message: str) -> HttpResponse:
    """A change that cannot be made: say why, and change nothing (htmx keeps the page as it is)."""
    if wants_partial(request):
        response = HttpResponse(status=422)
        return trigger_client_event(response, "showMessage", {"value": message, "level": "error"})
    messages.error(request, message)
    return render_day(request, patient, today, today, meal, status=422)


@require_GET
@patient_view
def day_view(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """One local day: meals, supplements, totals against targets, and R8 tips. ?date=YYYY-MM-DD."""
    _reuse_profile(request, patient)
    today = local_today(patient.user)
    day = parse_day(request.GET.get("date"), patient, today)
    meal = chosen_meal(request.GET.get("meal"), patient)
    query = request.GET.get("q", "").strip()[:100]
    extra = {"query": query}
    if query:
        extra["results"] = search_foods(patient, query, today)
    food = _food_for(request, patient, request.GET.get("food"))
    if food is not None:
        extra["add_form"], extra["add_food"] = _add_form(patient, food, day, today, meal), food
    return render_day(request, patient, day, today, meal, partial="day-page", **extra)


@require_GET
@patient_view
def food_search(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """The type-ahead's results (htmx partial); without htmx, the day page with the results."""
    _reuse_profile(request, patient)
    today = local_today(patient.user)
    day = parse_day(request.GET.get("date"), patient, today)
    meal = chosen_meal(request.GET.get("meal"), patient)
    query = request.GET.get("q", "").strip()[:100]
    if not wants_partial(request):
        return redirect(day_url(patient, day, meal=meal, q=query))
    results = search_foods(patient, query, today) if query else []
    return TemplateResponse(
        request,
        "nutrition/day.html#search-results",
        {"patient": patient, "day": day, "meal": meal, "query": query, "results": results},
    )


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def item_add(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """GET: the add form for ?food= (htmx partial). POST: log the food; errors come back inline, nothing saved."""
    _reuse_profile(request, patient)
    today = local_today(patient.user)
    data = request.POST if request.method == "POST" else request.GET
    day = parse_day(data.get("date"), patient, today)
    meal = chosen_meal(data.get("meal"), patient)
    food = _food_for(request, patient, data.get("food"))
    if food is None:
        return redirect(day_url(patient, day, meal=meal))
    if request.method == "GET":
        form = _add_form(
            patient, food, day, today, meal, initial_portion=data.get("portion"), initial_quantity=data.get("quantity")
        )
        if not wants_partial(request):
            return redirect(day_url(patient, day, meal=meal, food=food.pk))
        return TemplateResponse(
            request,
            "nutrition/day.html#add-panel",
            {"patient": patient, "add_form": form, "add_food": food, "day": day, "meal": meal},
        )
    form = _add_form(patient, food, day, today, meal, data=request.POST)
    if form.is_valid():
        item = form.fill(LogItem(patient=patient, date=form.cleaned_data["date"], created_by=request.user))
        consume_form_token(request)
        item.save()
        return after_change(
            request,
            patient,
            item.date,
            item.meal,
            f"Added {item.amount_label} {food.description} to {item.get_meal_display().lower()}.",
        )
    if wants_partial(request):
        response = TemplateResponse(
            request,
            "nutrition/day.html#add-panel",
            {"patient": patient, "add_form": form, "add_food": food, "day": day, "meal": meal},
        )
        return reswap(retarget(response, "#add-panel"), "outerHTML")
    return render_day(request, patient, day, today, meal, status=422, add_form=form, add_food=food, query="")


def _item(patient, item_id) -> LogItem:
    return get_object_or_404(LogItem.objects.filter(patient=patient, food__isnull=False).select_related("food"), pk=item_id)


@require_http_methods(["GET", "POST"])
@patient_view
def item_edit(request: HttpRequest, patient: PatientProfile, item_id: int) -> HttpResponse:
    """Change the portion, quantity or meal of a logged food, in place."""
    _reuse_profile(request, patient)
    item = _item(patient, item_id)
    today = local_today(patient.user)
    food = Food.objects.prefetch_related("portions").get(pk=item.food_id)
    initial = {
        "meal": item.meal,
        "quantity": item.quantity.normalize(),
        "portion": str(item.portion_id) if item.portion_id else ("g" if item.unit_label == "g" else "oz"),
    }
    form = ItemForm(request.POST or None, food=food, patient=patient, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.fill(item)
        item.save()
        return after_change(request, patient, item.date, item.meal, f"Changed: {item}.")
    context = {"patient": patient, "item": item, "form": form, "day": item.date}
    if wants_partial(request):
        response = TemplateResponse(request, "nutrition/item_edit.html#item-edit-row", context)
        return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML") if request.method == "POST" else response
    return TemplateResponse(request, "nutrition/item_edit.html", context, status=422 if request.method == "POST" else 200)


@require_POST
@patient_view
def item_delete(request: HttpRequest, patient: PatientProfile, item_id: int) -> HttpResponse:
    item = get_object_or_404(LogItem.objects.filter(patient=patient), pk=item_id)
    if item.supplement_id:
        item.supplement = None
    item.delete()
    meal = item.meal if item.meal != Meal.SUPPLEMENTS else default_meal(patient)
    return after_change(request, patient, item.date, meal, f"Removed {item}.")


@require_POST
@patient_view
@once_per_form
def favourite_toggle(request: HttpRequest, patient: PatientProfile, food_id: int) -> HttpResponse:
    food = get_object_or_404(Food.objects.visible_to(patient), pk=food_id)
    today = local_today(patient.user)
    day = parse_day(request.POST.get("date"), patient, today)
    meal = chosen_meal(request.POST.get("meal"), patient)
    consume_form_token(request)  # a toggle clicked twice would undo itself
    deleted, _ = Favourite.objects.filter(patient=patient, food=food).delete()
    if not deleted:
        Favourite.objects.create(patient=patient, food=food)
    return after_change(
        request, patient, day, meal, f"{food.description} {'removed from' if deleted else 'added to'} favourites."
    )


@require_POST
@patient_view
@once_per_form
def day_copy(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """Copy the foods of an earlier day, or one of its meals, into this day. When the day already has some of them,
    ask first: copy only the missing ones, or everything again."""
    _reuse_profile(request, patient)
    today = local_today(patient.user)
    form = CopyForm(request.POST, patient=patient, today=today)
    day = parse_day(request.POST.get("date"), patient, today)
    meal = chosen_meal(request.POST.get("meal"), patient)
    if not form.is_valid():
        if wants_partial(request):
            response = render_day(request, patient, day, today, meal, copy_form=form)
            return response
        return render_day(request, patient, day, today, meal, status=422, copy_form=form, query="")
    cleaned = form.cleaned_data
    plan = CopyPlan.build(
        patient,
        source_date=cleaned["source_date"],
        source_meal=cleaned["source_meal"],
        date=cleaned["date"],
        target_meal=cleaned["target_meal"],
    )
    choice = request.POST.get("duplicates")
    if plan.already and choice not in ("skip", "again"):
        return render_day(request, patient, plan.date, today, meal, copy_form=form, copy_plan=plan, query="")
    with transaction.atomic():
        consume_form_token(request)
        copies = plan.apply(user=request.user, again=choice == "again")
    what = f"{len(copies)} item{'s' if len(copies) != 1 else ''}" if copies else "Nothing"
    message = f"{what} copied from {plan.source_date:%-d %b}."
    if plan.items and not copies:
        message = f"Nothing copied: {plan.date:%-d %b} already has every item from {plan.source_date:%-d %b}."
    return after_change(request, patient, plan.date, meal, message)


@require_POST
@patient_view
@once_per_form
def supplement_tick(request: HttpRequest, patient: PatientProfile, supplement_id: int) -> HttpResponse:
    """Tick a plan supplement off for the day (or untick it): its daily amount joins the day's totals."""
    supplement = get_object_or_404(patient.supplements.all(), pk=supplement_id)
    today = local_today(patient.user)
    meal = chosen_meal(request.POST.get("meal"), patient)
    form = SupplementTickForm(request.POST, patient=patient, today=today)
    if not form.is_valid():
        return refuse_change(request, patient, today, meal, f"{supplement}: not recorded. {' '.join(form.errors['date'])}")
    day = form.cleaned_data["date"]
    with transaction.atomic():
        consume_form_token(request)  # a tick clicked twice would untick
        deleted, _ = LogItem.objects.filter(patient=patient, supplement=supplement, date=day).delete()
        if not deleted:
            LogItem.from_supplement(patient=patient, day=day, supplement=supplement, created_by=request.user).save()
    return after_change(request, patient, day, meal, f"{supplement}: {'not taken' if deleted else 'taken'} on {day:%-d %b}.")


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def custom_food_list(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's own foods (only they and their care team see them), and a form to add one."""
    form = CustomFoodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consume_form_token(request)
        food = form.save(owner=patient)
        messages.success(request, f"Saved {food.description}. Search for it to log it.")
        return redirect("nutrition:custom-food-list", patient_id=patient.pk)
    foods = patient.custom_foods.prefetch_related("portions")
    return TemplateResponse(
        request,
        "nutrition/custom_foods.html",
        {"patient": patient, "form": form, "foods": foods},
        status=422 if form.errors else 200,
    )


@require_POST
@patient_view
def custom_food_delete(request: HttpRequest, patient: PatientProfile, food_id: int) -> HttpResponse:
    food = get_object_or_404(patient.custom_foods.all(), pk=food_id)
    food.delete()
    messages.success(request, f"Deleted {food.description}. Days you logged it keep their amounts.")
    return redirect("nutrition:custom-food-list", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def supplement_list(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """The daily supplement plan: what, how much per tablet, how many, how often."""
    form = SupplementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supplement = form.save(commit=False)
        supplement.patient = patient
        consume_form_token(request)
        supplement.save()
        messages.success(request, f"Added to the plan: {supplement}.")
        return redirect("nutrition:supplement-list", patient_id=patient.pk)
    supplements = list(patient.supplements.active())
    from .absorption import supplement_tips

    return TemplateResponse(
        request,
        "nutrition/supplements.html",
        {"patient": patient, "form": form, "supplements": supplements, "tips": supplement_tips(supplements)},
        status=422 if form.errors else 200,
    )


@require_POST
@patient_view
def supplement_stop(request: HttpRequest, patient: PatientProfile, supplement_id: int) -> HttpResponse:
    supplement = get_object_or_404(patient.supplements.active(), pk=supplement_id)
    supplement.active = False
    supplement.save(update_fields=["active"])
    messages.success(request, f"Stopped: {supplement}. Days already ticked keep their amounts.")
    return redirect("nutrition:supplement-list", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@patient_view
def targets_view(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """Today's targets and where each comes from; the care team may set their own values."""
    _reuse_profile(request, patient)
    today = local_today(patient.user)
    can_edit = request.user.role in ("clinician", "admin")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    overrides = {o.nutrient: o for o in NutrientTargetOverride.objects.filter(patient=patient).select_related("set_by")}
    defaults = default_targets(patient.age_on(today), patient.sex, patient.weight_kg)
    form = TargetOverrideForm(request.POST or None, defaults=defaults, overrides=overrides) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        for nutrient, value in form.cleaned_data.items():
            current = overrides.get(nutrient)
            if value is None and current is not None:
                current.delete()
            elif value is not None and (current is None or current.value != value):
                NutrientTargetOverride.objects.update_or_create(
                    patient=patient,
                    nutrient=nutrient,
                    defaults={"value": value, "set_by": request.user, "set_at": timezone.now()},
                )
        messages.success(request, "Targets saved.")
        return redirect("nutrition:targets", patient_id=patient.pk)
    targets = targets_for(patient, today, {n: (o.value, o.set_by.display_name if o.set_by else "") for n, o in overrides.items()})
    rows = [
        {"label": TargetNutrient(n).label, "target": targets[n], "default": defaults[n], "override": overrides.get(n)}
        for n in defaults
    ]
    return TemplateResponse(
        request,
        "nutrition/targets.html",
        {"patient": patient, "rows": rows, "form": form, "can_edit": can_edit, "today": today},
        status=422 if form is not None and form.errors else 200,
    )


TREND_DAYS = 90


@require_GET
@patient_view
def trends(request: HttpRequest, patient: PatientProfile) -> HttpResponse:
    """Averages over 7, 30 and 90 days against the targets, and daily calcium and vitamin D (food + supplements)."""
    _reuse_profile(request, patient)
    today = local_today(patient.user)
    start = max(today - dt.timedelta(days=TREND_DAYS - 1), patient.date_of_birth)
    rows, overrides = daily_rows(patient, start, today)
    if overrides is None:
        overrides = fetch_overrides(patient)
    targets = targets_for(patient, today, overrides)
    days = [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]
    by_day = {row["date"]: row for row in rows}
    series = []
    for day in days:
        day_targets = targets_for(patient, day, overrides)  # R7 follows the age on each day
        series.append(
            {
                "date": day,
                "row": by_day.get(day),
                "calcium_target": day_targets["calcium_mg"].value,
                "vitamin_d_target": day_targets["vitamin_d_iu"].value,
            }
        )
    calcium_figure = charts.build_intake_figure(series, "calcium", "Calcium (mg)")
    vitamin_d_figure = charts.build_intake_figure(series, "vitamin_d", "Vitamin D (IU)")
    averages = window_averages(rows, today)
    average_rows = [
        {"key": key, "label": label, "unit": unit, "target": targets.get(key), "values": [w.averages[key] for w in averages]}
        for key, label, unit in TREND_NUTRIENTS
    ]
    return TemplateResponse(
        request,
        "nutrition/trends.html",
        {
            "patient": patient,
            "today": today,
            "windows": averages,
            "average_rows": average_rows,
            "series": [s for s in reversed(series) if s["row"]],
            "calcium_figure": json.loads(calcium_figure.to_json()),
            "vitamin_d_figure": json.loads(vitamin_d_figure.to_json()),
        },
    )
