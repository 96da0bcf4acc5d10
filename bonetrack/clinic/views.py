from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import care_team_required, patient_view
from bonetrack.careteams.models import CareTeamInvitation
from bonetrack.core.dates import clamp_moment
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today
from dexa.goals import t_text
from dexa.services import scan_interval_set, treatment_goal_set

from .export import worklist_csv_lines
from .forms import ClinicalNoteForm, ScanIntervalForm, TreatmentGoalForm
from .models import ClinicalNote
from .note_views import offer_note_edits
from .workspace import (
    WorklistQuery,
    cell_renderer,
    prepare_rows,
    set_row_values,
    timeline_headers,
    timeline_kinds,
    timeline_page,
    worklist_columns,
    worklist_filters,
    worklist_queryset,
)

WORKLIST_PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 20
# Kinds only the care team sees on the timeline (patients read their medication prompts in plain words on their
# medication page and dashboard); edits of notes are the care team's like the notes.
CARE_TEAM_KINDS = {"note", "note_edit", "treatment_prompt"}


@require_GET
@care_team_required
def worklist(request: HtmxHttpRequest) -> HttpResponse:
    """The clinician's patients, one row each, with what every app contributes: search, filter, sort, pages."""
    today = local_today(request.user)
    columns, filters = worklist_columns(), worklist_filters()
    query = WorklistQuery.from_params(request.GET, columns, filters)
    page = Paginator(worklist_queryset(request.user, today, query), WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    render_cell = cell_renderer(columns)
    rows = []
    for patient in prepare_rows(list(page.object_list), today):
        set_row_values(patient, today)
        cells = []
        for column in columns:
            value = getattr(patient, column.key, None)
            cells.append({"column": column, "value": value, "html": render_cell(column, patient, value)})
        rows.append({"patient": patient, "cells": cells})

    params = {"q": query.search, "filter": list(query.filters), "sort": query.sort}

    def url_with(**changes) -> str:
        merged = {key: value for key, value in {**params, **changes}.items() if value}
        return f"?{urlencode(merged, doseq=True)}" if merged else "?"

    headers = []
    for column in columns:
        current = query.sort.removeprefix("-") == column.key
        descending = query.sort.startswith("-")
        headers.append(
            {
                "column": column,
                "url": url_with(sort=("" if descending else "-") + column.key if current else column.key)
                if column.sortable
                else "",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    context = {
        "today": today,
        "page": page,
        "rows": rows,
        "headers": headers,
        "filters": [{"filter": f, "checked": f.key in query.filters} for f in filters],
        "query": query,
        "page_query": urlencode({k: v for k, v in params.items() if v}, doseq=True),
        "filtered": bool(query.search or query.filters),
    }
    if not wants_partial(request):
        # Patients' invitations waiting for this clinician's answer (careteams/_pending_invitations.html).
        context["invitations"] = list(CareTeamInvitation.objects.for_clinician(request.user))
    template = "clinic/worklist.html#results" if wants_partial(request) else "clinic/worklist.html"
    return TemplateResponse(request, template, context)


@require_GET
@care_team_required
def worklist_csv(request: HtmxHttpRequest) -> HttpResponse:
    """Every patient of the worklist matching its search and filters, in its sort order, as a CSV file."""
    today = local_today(request.user)
    query = WorklistQuery.from_params(request.GET, worklist_columns(), worklist_filters())
    response = StreamingHttpResponse(worklist_csv_lines(request, today, query), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bonetrack-worklist-{today:%Y-%m-%d}.csv"'
    return response


@require_GET
@patient_view
def timeline(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The T-score chart, then one feed of everything that happened, newest first, in pages."""
    care_team = request.user.is_care_team
    available = {key: label for key, label in timeline_kinds().items() if care_team or key not in CARE_TEAM_KINDS}
    chosen = {kind for kind in request.GET.getlist("kinds") if kind in available} or set(available)
    before = clamp_moment(request.GET.get("before"))
    events, next_before = timeline_page(patient, kinds=chosen, before=before, limit=TIMELINE_PAGE_SIZE)
    if care_team:
        offer_note_edits(events, request.user, patient)
    kinds_query = [("kinds", kind) for kind in sorted(chosen)] if chosen != set(available) else []
    context = {
        "patient": patient,
        "entries": [(event, available.get(event.kind, event.kind)) for event in events],
        "kind_choices": [{"key": key, "label": label, "checked": key in chosen} for key, label in available.items()],
        "older_query": urlencode([*kinds_query, ("before", next_before.isoformat())]) if next_before else "",
        "is_first_page": before is None,
        "kinds_filtered": chosen != set(available),
        "today": local_today(request.user),
    }
    if wants_partial(request):
        return TemplateResponse(request, "clinic/timeline.html#feed-page", context)
    context["headers"] = timeline_headers(request, patient)
    context["note_form"] = ClinicalNoteForm(patient=patient) if care_team else None
    return TemplateResponse(request, "clinic/timeline.html", context)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
@care_team_required
def note_add(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """A clinician or admin writes a note on the patient's record."""
    form = ClinicalNoteForm(request.POST or None, patient=patient, initial={"scan": request.GET.get("scan")})
    if request.method == "POST" and form.is_valid():
        consume_form_token(request)
        ClinicalNote.objects.create(
            patient=patient, author=request.user, body=form.cleaned_data["body"], scan=form.cleaned_data["scan"]
        )
        messages.success(request, "Note added to the timeline.")
        url = reverse("clinic:timeline", kwargs={"patient_id": patient.pk})
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return TemplateResponse(request, "clinic/note_form.html", {"patient": patient, "form": form})


@require_http_methods(["GET", "POST"])
@patient_view
@care_team_required
def scan_interval(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The care team sets (or clears) the interval between scans, which wins over the default rule."""
    form = ScanIntervalForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        months = form.cleaned_data["scan_interval_months"]
        scan_interval_set(patient=patient, months=months, by=request.user)
        if months:
            messages.success(request, f"Scans every {months} months from now on.")
        else:
            messages.success(request, "The scan interval follows the default rule again.")
        return redirect("clinic:timeline", patient_id=patient.pk)
    return TemplateResponse(request, "clinic/scan_interval.html", {"patient": patient, "form": form})


@require_http_methods(["GET", "POST"])
@patient_view
@care_team_required
def goal(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """R13: the care team sets a stricter treatment goal with its reason, or goes back to the default goal."""
    initial = {"goal": "" if patient.goal_t_score is None else f"{patient.goal_t_score}", "reason": patient.goal_reason}
    form = TreatmentGoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["goal"]
        treatment_goal_set(patient=patient, goal=value, reason=form.cleaned_data["reason"], by=request.user)
        if value is None:
            messages.success(request, "The treatment goal is the default again: a T-score above −2.5 at each site.")
        else:
            messages.success(request, f"Treatment goal set: a T-score above {t_text(value)} at each site.")
        return redirect("clinic:timeline", patient_id=patient.pk)
    return TemplateResponse(request, "clinic/goal.html", {"patient": patient, "form": form})
