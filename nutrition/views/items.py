"""Add, change and remove a logged food. Each answers with the refreshed day (htmx) or a redirect to it."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.undo.services import RestoreRefused, delete_with_undo, restore
from bonetrack.undo.views import confirm_delete, find_deleted, gone, notice, offer_undo

from ..forms import ItemForm
from ..models import Food, LogItem, Meal
from .day import (
    add_form,
    after_change,
    day_context,
    day_params,
    day_url,
    default_meal,
    food_from,
    refuse_change,
    render_day,
    supplement_row,
)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def item_add(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """GET: the add form for ?food= (htmx partial). POST: log the food; errors come back inline, nothing saved."""
    params = day_params(request, patient)
    data = request.POST if request.method == "POST" else request.GET
    food = food_from(patient, data.get("food"))
    if food is None:
        return redirect(day_url(patient, params.day, meal=params.meal))
    if request.method == "GET":
        if not wants_partial(request):
            return redirect(day_url(patient, params.day, meal=params.meal, food=food.pk))
        form = add_form(patient, food, params, portion=data.get("portion"), quantity=data.get("quantity"))
        return TemplateResponse(
            request,
            "nutrition/day.html#add-panel",
            {"patient": patient, "add_form": form, "add_food": food, "day": params.day, "meal": params.meal},
        )
    form = add_form(patient, food, params, data=request.POST)
    if form.is_valid():
        item = LogItem.from_food(
            patient=patient, day=form.cleaned_data["date"], food=food, created_by=request.user, **form.amount()
        )
        consume_form_token(request)
        item.save()
        message = f"Added {item.amount_label} {food.description} to {item.get_meal_display().lower()}."
        return after_change(request, patient, params.on(item.date, item.meal), message)
    if wants_partial(request):
        response = TemplateResponse(
            request,
            "nutrition/day.html#add-panel",
            {"patient": patient, "add_form": form, "add_food": food, "day": params.day, "meal": params.meal},
        )
        return reswap(retarget(response, "#add-panel"), "outerHTML")
    return render_day(request, patient, params, status=422, add_form=form, add_food=food)


@require_http_methods(["GET", "POST"])
@patient_view
def item_edit(request: HtmxHttpRequest, patient: PatientProfile, item_id: int) -> HttpResponse:
    """Change the portion, quantity or meal of a logged food, in place."""
    item = get_object_or_404(LogItem.objects.filter(patient=patient, food__isnull=False).select_related("food"), pk=item_id)
    params = day_params(request, patient)
    food = Food.objects.prefetch_related("portions").get(pk=item.food_id)
    form = ItemForm(request.POST or None, food=food, patient=patient, today=params.today, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        item.change_amount(**form.amount())
        return after_change(request, patient, params.on(item.date, item.meal), f"Changed: {item}.")
    context = {"patient": patient, "item": item, "form": form, "day": item.date}
    if wants_partial(request):
        response = TemplateResponse(request, "nutrition/item_edit.html#item-edit-row", context)
        return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML") if request.method == "POST" else response
    return TemplateResponse(request, "nutrition/item_edit.html", context, status=422 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@patient_view
def item_delete(request: HtmxHttpRequest, patient: PatientProfile, item_id: int) -> HttpResponse:
    """POST: move the item to the recycle bin; its row shows "Deleted. Undo" (htmx), or the next page offers Undo.
    GET (the button without JavaScript): the confirmation page."""
    item = get_object_or_404(LogItem.objects.filter(patient=patient), pk=item_id)
    meal = item.meal if item.meal != Meal.SUPPLEMENTS else default_meal(patient)
    params = day_params(request, patient).on(item.date, meal)
    if request.method == "GET":
        back = day_url(patient, item.date, meal=meal)
        return confirm_delete(request, patient, question=f"Delete {item.deletion_description}?", back_url=back)
    deleted = delete_with_undo(item, patient=patient, by=request.user, description=item.deletion_description)
    undo_url = reverse("nutrition:item-undo", kwargs={"patient_id": patient.pk, "deleted_id": deleted.pk})
    if not wants_partial(request):
        offer_undo(request, deleted, undo_url)
        return redirect(day_url(patient, item.date, meal=meal))
    # The day is drawn again (its totals no longer count the item), with the notice where the item was.
    context = day_context(patient, params)
    place = notice(deleted, undo_url, "#day-content") | {"undo_notice": True}
    for block in context["meals"]:
        if block["key"] == item.meal:
            earlier = sum(1 for other in block["items"] if (other.created_at, other.pk) < (item.created_at, item_id))
            block["items"].insert(earlier, place)
    return TemplateResponse(request, "nutrition/day.html#day-content", context)


@require_POST
@patient_view
def item_undo(request: HtmxHttpRequest, patient: PatientProfile, deleted_id: int) -> HttpResponse:
    """Put a deleted food or supplement tick back as it was: the day again (htmx: its content, or the tick's row)."""
    params = day_params(request, patient)
    deleted = find_deleted(patient, deleted_id, "nutrition.logitem")
    if deleted is None:
        return gone(request, patient, back_url=day_url(patient, params.today))
    try:
        (item,) = restore(deleted, by=request.user)
    except RestoreRefused as refusal:
        message = refusal.message
        if refusal.reason == "conflict":  # a log item's one unique constraint: one tick per supplement and day
            message = "This can't be put back: that supplement has been ticked again for that day since."
        return refuse_change(request, patient, params, message)
    message = f"Put back: {item.deletion_description}."
    if item.supplement_id is not None and wants_partial(request):
        return supplement_row(request, patient, params.on(item.date), item.supplement_id, message)
    meal = item.meal if item.meal != Meal.SUPPLEMENTS else params.meal
    anchor = f"supplement-{item.supplement_id}" if item.supplement_id else f"item-{item.pk}"
    return after_change(request, patient, params.on(item.date, meal), message, anchor=anchor)
