"""Copy the foods of an earlier day, or one of its meals, into a day (nutrition.copying.CopyPlan)."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form

from ..copying import CopyPlan
from ..forms import CopyForm
from ..models import LogItem
from .day import after_change, day_params, render_day


def copied_message(plan: CopyPlan, copies: list[LogItem]) -> str:
    source = format_day(plan.source_date, year=False)
    if plan.items and not copies:
        return f"Nothing copied: {format_day(plan.date, year=False)} already has every item from {source}."
    what = f"{len(copies)} item{'s' if len(copies) != 1 else ''}" if copies else "Nothing"
    return f"{what} copied from {source}."


@require_POST
@patient_view
@once_per_form
def day_copy(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """Copy an earlier day or meal. When the day already has some of its foods, ask first: copy only the missing
    ones, or everything again (`duplicates` is "skip" or "again")."""
    params = day_params(request, patient)
    form = CopyForm(request.POST, patient=patient, today=params.today)
    if not form.is_valid():
        return render_day(request, patient, params, status=200 if wants_partial(request) else 422, copy_form=form)
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
        return render_day(request, patient, params.on(plan.date), copy_form=form, copy_plan=plan)
    consume_form_token(request)
    copies = plan.apply(user=request.user, again=choice == "again")
    return after_change(request, patient, params.on(plan.date), copied_message(plan, copies))
