"""The patient's medication pages: courses, their doses and adherence (DOMAIN.md R11, R16).

The models and writes live in bonetrack.treatment; these pages sit above it and the DEXA app, so after a course
changes they move the next scan date (R5: a drug started or changed since the previous scan).
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.date_display import format_day
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.submissions import consume_form_token, once_per_form
from bonetrack.core.timezones import local_today
from bonetrack.reminders.services import dose_schedule_changed
from bonetrack.treatment import services
from bonetrack.treatment.forms import CourseForm, CourseStopForm, DoseForm
from bonetrack.treatment.models import Course, Dose, DoseStatus, recent_since
from bonetrack.treatment.prompting import treatment_of
from dexa.services import refresh_next_scan_due
from nutrition.models import Supplement, SupplementKind


def _courses(patient: PatientProfile, today: dt.date) -> list[Course]:
    """The patient's courses, current first, each with its dose counts and adherence (one query)."""
    courses = list(
        Course.objects.for_patient(patient)
        .select_related("regimen__drug")
        .with_taken_counts(since=recent_since(today))
        .with_dose_on(today)
        .newest_first()
    )
    for course in courses:
        course.so_far = course.adherence_so_far(today)
        course.recent = course.adherence_recent(today)
        course.due_today = course.is_current and not course.regimen.clinic_given and course.is_dose_day(today)
    return courses


def _saved(request: HtmxHttpRequest, form: BaseForm | None, write, *, once: bool = False) -> list[str]:
    """Run `write` (after taking the form's token when `once`); return the messages of a rule it refused.

    A refusal (e.g. a clashing course saved meanwhile) rolls back the write and the token together, goes back on
    the form when there is one, and leaves the request's transaction usable for the page shown next.
    """
    try:
        with transaction.atomic():
            if once:
                consume_form_token(request)
            write()
    except ValidationError as error:
        if form is not None:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        return error.messages
    return []


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def course_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The patient's courses with adherence, today's dose, and a form to add a course."""
    today = local_today(patient.user)
    form = CourseForm(request.POST or None, instance=Course(patient=patient), today=today)
    if request.method == "POST" and form.is_valid():

        def write():
            services.course_start(patient=patient, course=form.instance, by=request.user)
            refresh_next_scan_due(patient)
            dose_schedule_changed(patient=patient)

        if not _saved(request, form, write, once=True):
            messages.success(request, f"Added: {form.instance.regimen}.")
            return redirect("medications:course-list", patient_id=patient.pk)
    return TemplateResponse(request, "treatment/course_list.html", _page_context(patient, form, today))


def _page_context(patient: PatientProfile, form: CourseForm, today: dt.date) -> dict:
    courses = _courses(patient, today)
    takes_oral_bisphosphonate = any(c.is_current and c.regimen.oral_bisphosphonate_instructions for c in courses)
    # R16: calcium stops an oral bisphosphonate being absorbed; a planned calcium supplement is taken later.
    calcium_planned = (
        takes_oral_bisphosphonate and Supplement.objects.filter(patient=patient, kind=SupplementKind.CALCIUM).active().exists()
    )
    return {
        "patient": patient,
        "form": form,
        "courses": courses,
        "today": today,
        "calcium_planned": calcium_planned,
        "prompts": treatment_of(patient, today).prompts,
    }


def _course(patient: PatientProfile, course_id: int) -> Course:
    return get_object_or_404(Course.objects.for_patient(patient).select_related("regimen__drug"), pk=course_id)


@require_http_methods(["GET", "POST"])
@patient_view
def course_edit(request: HtmxHttpRequest, patient: PatientProfile, course_id: int) -> HttpResponse:
    """Correct a course: medication, dates, reason stopped, prescriber, notes."""
    course = _course(patient, course_id)
    form = CourseForm(request.POST or None, instance=course, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():

        def write():
            services.course_update(course=form.instance)
            refresh_next_scan_due(patient)
            dose_schedule_changed(patient=patient)

        if not _saved(request, form, write):
            messages.success(request, f"Saved: {course.regimen}.")
            return redirect("medications:course-list", patient_id=patient.pk)
    return TemplateResponse(request, "treatment/course_edit.html", {"patient": patient, "course": course, "form": form})


@require_http_methods(["GET", "POST"])
@patient_view
def course_stop(request: HtmxHttpRequest, patient: PatientProfile, course_id: int) -> HttpResponse:
    """Stop a course on a day, with the reason."""
    course = _course(patient, course_id)
    form = CourseStopForm(request.POST or None, instance=course, today=local_today(patient.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.course_stop(course=course, ended_on=data["ended_on"], stop_reason=data["stop_reason"])
            refresh_next_scan_due(patient)
            dose_schedule_changed(patient=patient)

        if not _saved(request, form, write):
            messages.success(request, f"Stopped: {course.drug.name} on {format_day(course.ended_on)}.")
            return redirect("medications:course-list", patient_id=patient.pk)
    return TemplateResponse(request, "treatment/course_stop.html", {"patient": patient, "course": course, "form": form})


@require_POST
@patient_view
def course_delete(request: HtmxHttpRequest, patient: PatientProfile, course_id: int) -> HttpResponse:
    course = _course(patient, course_id)
    services.course_delete(course=course)
    refresh_next_scan_due(patient)
    dose_schedule_changed(patient=patient)
    messages.success(request, f"Deleted: {course.regimen} and its doses.")
    return redirect("medications:course-list", patient_id=patient.pk)


@require_http_methods(["GET", "POST"])
@patient_view
@once_per_form
def course_detail(request: HtmxHttpRequest, patient: PatientProfile, course_id: int) -> HttpResponse:
    """One course's dose log, with a form to record a dose on any day of the course (backfill)."""
    course = _course(patient, course_id)
    today = local_today(patient.user)
    form = DoseForm(request.POST or None, instance=Dose(course=course), today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.dose_record(
                course=course,
                on=data["on"],
                status=data["status"],
                by=request.user,
                site=data.get("site", ""),
                lot=data.get("lot", ""),
            )
            dose_schedule_changed(patient=patient)

        if not _saved(request, form, write, once=True):
            messages.success(request, f"Recorded: {DoseStatus(data['status']).label.lower()} on {format_day(data['on'])}.")
            return redirect("medications:course-detail", patient_id=patient.pk, course_id=course.pk)
    context = {"patient": patient, "course": course, "form": form, "doses": course.doses.all(), "today": today}
    return TemplateResponse(request, "treatment/course_detail.html", context)


def _after_dose_change(request: HtmxHttpRequest, patient: PatientProfile, message: str, *, level: str = "success", status=200):
    """htmx: the refreshed course cards and a status message; otherwise back to the medication page (PRG)."""
    if wants_partial(request):
        today = local_today(patient.user)
        context = _page_context(patient, CourseForm(instance=Course(patient=patient), today=today), today)
        response = TemplateResponse(request, "treatment/course_list.html#courses", context)
        return trigger_client_event(response, "showMessage", {"value": message, "level": level})
    getattr(messages, level)(request, message)
    return redirect("medications:course-list", patient_id=patient.pk)


@require_POST
@patient_view
@once_per_form
def dose_tick(request: HtmxHttpRequest, patient: PatientProfile, course_id: int) -> HttpResponse:
    """One tap: today's self-given dose is taken."""
    course = _course(patient, course_id)
    today = local_today(patient.user)

    def write():
        services.dose_record(course=course, on=today, status=DoseStatus.TAKEN, by=request.user)
        dose_schedule_changed(patient=patient)

    # The form token: a tap sent twice records once.
    if refused := _saved(request, None, write, once=True):
        return _after_dose_change(request, patient, f"Not recorded: {' '.join(refused)}", level="error", status=422)
    return _after_dose_change(request, patient, f"{course.drug.name}: today's dose taken.")


@require_POST
@patient_view
def dose_delete(request: HtmxHttpRequest, patient: PatientProfile, course_id: int, dose_id: int) -> HttpResponse:
    course = _course(patient, course_id)
    dose = get_object_or_404(course.doses, pk=dose_id)
    services.dose_delete(dose=dose)
    dose_schedule_changed(patient=patient)
    message = f"Deleted: {dose}."
    if request.POST.get("return_to") == "list":
        return _after_dose_change(request, patient, message)
    messages.success(request, message)
    return redirect("medications:course-detail", patient_id=patient.pk, course_id=course.pk)
