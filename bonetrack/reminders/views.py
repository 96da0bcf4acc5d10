import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bonetrack.accounts.models import PatientProfile, User
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest, wants_partial
from bonetrack.core.middleware import background_poll
from bonetrack.core.timezones import zone_of

from . import kinds, schedule
from .delivery import user_id_from_token
from .forms import DoseReminderForm, NotificationPreferenceForm
from .models import Notification, NotificationPreference, Reminder, ReminderDueDate

LIST_LIMIT = 100


@require_GET
@login_required
def notification_list(request: HtmxHttpRequest) -> HttpResponse:
    """The signed-in user's own notifications, newest first."""
    notifications = list(Notification.objects.for_user(request.user)[:LIST_LIMIT])
    unread = sum(1 for n in notifications if not n.is_read)
    return TemplateResponse(request, "reminders/notification_list.html", {"notifications": notifications, "unread_count": unread})


@background_poll
@require_GET
@login_required
def notification_bell(request: HtmxHttpRequest) -> HttpResponse:
    """The bell with its unread count (htmx loads it after the page, then refreshes it every minute)."""
    if not wants_partial(request):
        return redirect("reminders:notification-list")
    count = Notification.objects.for_user(request.user).unread().count()
    return TemplateResponse(request, "reminders/_bell.html", {"unread_count": count, "bell_trigger": "every 60s"})


@require_POST
@login_required
def notification_read(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if wants_partial(request):
        count = Notification.objects.for_user(request.user).unread().count()
        return TemplateResponse(
            request,
            "reminders/notification_list.html#notification-read",
            {"notification": notification, "unread_count": count, "bell_trigger": "every 60s"},
        )
    return redirect("reminders:notification-list")


@require_POST
@login_required
def notification_read_all(request: HtmxHttpRequest) -> HttpResponse:
    marked = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(request, "All notifications marked as read." if marked else "Nothing new to mark as read.")
    if request.htmx:
        return HttpResponseClientRedirect(request.build_absolute_uri(_list_url()))
    return redirect("reminders:notification-list")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("reminders:notification-list")


@require_http_methods(["GET", "POST"])
@patient_view
def reminder_list(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """What is coming, what was sent, and (for the patient) which channels to use."""
    is_self = request.user.pk == patient.user_id
    if request.method == "POST" and not is_self:
        raise PermissionDenied("Only the patient chooses their channels.")
    preference = NotificationPreference.for_user(patient.user)
    saving_dose = request.method == "POST" and "save_dose" in request.POST
    saving_channels = request.method == "POST" and not saving_dose
    form = NotificationPreferenceForm(request.POST if saving_channels else None, instance=preference)
    dose_form = DoseReminderForm(request.POST if saving_dose else None, instance=preference)
    if saving_channels and form.is_valid():
        preference = form.save(commit=False)
        if preference.email:
            preference.email_stopped_at = None
        preference.save()
        messages.success(request, "Your reminder settings are saved.")
        return redirect("reminders:reminder-list", patient_id=patient.pk)
    if saving_dose and dose_form.is_valid():
        dose_form.save()
        messages.success(request, "Your dose-day reminders are saved.")
        return redirect("reminders:reminder-list", patient_id=patient.pk)
    tz = zone_of(patient.user)
    now = timezone.now()
    history = list(Reminder.objects.for_patient(patient).prefetch_related("notifications")[:LIST_LIMIT])
    return TemplateResponse(
        request,
        "reminders/reminder_list.html",
        status=422 if request.method == "POST" else 200,
        context={
            "patient": patient,
            "form": form if is_self else None,
            "dose_form": dose_form if is_self else None,
            "preference": preference,
            "upcoming": _upcoming(patient, tz, now),
            "history": history,
        },
    )


def _upcoming(patient: PatientProfile, tz: dt.tzinfo, now: dt.datetime) -> list[dict]:
    """The stages still to be sent, as the sweep will send them (history skipped, a pending catch-up included)."""
    known = {(r.kind, r.due_on): r.known_since for r in ReminderDueDate.objects.filter(patient=patient)}
    rows = []
    for kind in kinds.all_kinds():
        if kind.per_course:
            rows += _upcoming_doses(kind, patient, tz, now)
            continue
        due_on = kind.current_due_on(patient)
        if due_on is None:
            continue
        for stage in schedule.plan(due_on, kind.offsets, tz, known.get((kind.key, due_on))):
            if stage.moment > now:
                label = kind.catch_up_label if stage.catch_up else kind.stage_label(stage.offset)
                rows.append({"kind": kind.label, "due_on": due_on, "stage": label, "when": stage.moment.astimezone(tz)})
    return sorted(rows, key=lambda r: r["when"])


def _upcoming_doses(kind, patient: PatientProfile, tz: dt.tzinfo, now: dt.datetime) -> list[dict]:
    """The next stages of each of the patient's courses of a dose kind, the way the sweep plans them (one query)."""
    rows = []
    for course in kind.course_rows(kind.courses([patient.pk]).values("pk"), now):
        if not (course["wants_in_app"] or course["wants_email"]):
            continue
        for stage in schedule.plan(course["due_on"], kind.offsets, tz, course["known_since"], course["send_time"]):
            if stage.moment > now and (course["last_stage"] is None or stage.offset > course["last_stage"]):
                label = kind.catch_up_label if stage.catch_up else kind.stage_label(stage.offset)
                rows.append(
                    {
                        "kind": f"{kind.label}: {course['drug']}",
                        "due_on": course["due_on"],
                        "stage": label,
                        "when": stage.moment.astimezone(tz),
                    }
                )
    return rows


@csrf_exempt  # RFC 8058 one-click: mail providers POST without a session or CSRF token; the signed token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Stop reminder emails from a signed link, no sign-in needed. GET asks; POST (or a one-click POST) does it."""
    user_id = user_id_from_token(token)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return TemplateResponse(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        preference = NotificationPreference.for_user(user)
        preference.email = False
        preference.email_stopped_at = timezone.now()
        preference.save()
        done = True
    return TemplateResponse(request, "reminders/unsubscribe.html", {"done": done, "email": _masked(user.email), "token": token})


def _masked(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "your address"
